"""The local gateway behind ``openmaas serve``: an OpenAI- and Anthropic-compatible endpoint on
127.0.0.1 that runs every incoming request as one exchange of the core pipeline, puts the key
only on the outgoing request, and records the spend like any other face.

No Textual below this line: the gateway runs headless.
"""

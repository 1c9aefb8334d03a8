"""OpenAI Chat Completions on the wire: the request body read into a
:class:`~openmaas_tui.core.types.ChatRequest`, the exchange's events written back as OpenAI
chunks or one ``chat.completion`` body, errors in OpenAI's error shape
(https://platform.openai.com/docs/api-reference/chat). Pure translation: no I/O here."""

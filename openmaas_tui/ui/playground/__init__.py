"""What the playground does, one purpose per module, none importing the screen or the app:
:mod:`.targets` (which model a spec names), :mod:`.editing` (a message edited in the prompt),
:mod:`.answering` (send the prompt, ask, keep the answer), :mod:`.conversation` (regenerate,
edit, copy, delete, clear), :mod:`.sessions` (new, open, delete, rename, carry on from a
compare), :mod:`.presets` and :mod:`.commands` (the palette's entries). The screen
(:mod:`openmaas_tui.ui.screens.playground`) builds them with what they act on and routes its
bindings and messages to them."""

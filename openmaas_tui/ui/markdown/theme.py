"""The colours of an answer's Markdown, taken from the app's Textual theme.

Rich draws Markdown with named styles (``markdown.h1``, ``markdown.code``, ...). Each is given a
text style and one of the theme's variables (see :data:`ELEMENTS`): headings, bullets and table
headers in ``$text-primary``, minor headings in ``$text-secondary``, inline code in
``$text-warning``, links in ``$text-accent``, quotes in ``$text-muted``. The ``text-*``
variants are the ones Textual makes legible over the theme's background, light or dark.

:func:`markdown_styles` resolves them once per theme (a dictionary lookup after the first call),
so drawing a block costs no colour arithmetic; widgets compare the styles they drew with to the
current theme's to know when a theme change must draw them again.
"""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.style import Style
from rich.theme import Theme as RichTheme
from textual.color import Color
from textual.theme import BUILTIN_THEMES
from textual.theme import Theme as TextualTheme

ELEMENTS: dict[str, tuple[str, str]] = {
    "markdown.h1": ("bold underline", "text-primary"),
    "markdown.h2": ("bold", "text-primary"),
    "markdown.h3": ("bold", "text-secondary"),
    "markdown.h4": ("bold italic", "text-secondary"),
    "markdown.h5": ("italic", "text-secondary"),
    "markdown.h6": ("italic", "text-muted"),
    "markdown.block_quote": ("italic", "text-muted"),
    "markdown.code": ("bold", "text-warning"),
    "markdown.link": ("underline", "text-accent"),
    "markdown.link_url": ("underline", "text-accent"),
    "markdown.item.bullet": ("bold", "text-primary"),
    "markdown.item.number": ("bold", "text-primary"),
    "markdown.table.header": ("bold", "text-primary"),
}
"""Rich's Markdown style name -> (text style, Textual theme variable giving its colour)."""

DEFAULT_THEME = "textual-dark"
"""The theme whose colours are used where no app is at hand (a warm-up draw, a test)."""

_CACHE: dict[int, tuple[TextualTheme, RichTheme]] = {}


def theme_variables(theme: TextualTheme) -> dict[str, str]:
    """The CSS variables ``theme`` defines, as :meth:`textual.app.App.get_css_variables` builds
    them (its colour system, then the theme's own ``variables``)."""
    return {**theme.to_color_system().generate(), **theme.variables}


def resolve_color(value: str, background: Color) -> RichColor | None:
    """A theme variable's colour as Rich draws it: ``#57A5E2``, ``ansi_blue``, ``auto 60%``
    (the contrasting text colour at 60%) or ``COLOUR 50%``, blended over ``background``.

    Returns:
        The colour, or None for the terminal's default colour (``ansi_default``) or a value
        that is not a colour.
    """
    word, _, rest = value.strip().partition(" ")
    rest = rest.strip()
    alpha = 1.0
    if rest:
        try:
            alpha = float(rest.removesuffix("%")) / 100 if rest.endswith("%") else -1.0
        except ValueError:
            return None
        if not 0.0 <= alpha <= 1.0:
            return None
    try:
        color = background.get_contrast_text(alpha) if word == "auto" else Color.parse(word)
    except Exception:  # textual.color.ColorParseError, or a value that is not a colour at all
        return None
    if color.ansi is not None:
        return None if color.ansi == -1 else color.rich_color
    if word != "auto":
        color = color.multiply_alpha(alpha)
    return (background + color).rich_color


def _build(theme: TextualTheme) -> RichTheme:
    variables = theme_variables(theme)
    try:
        background = Color.parse(variables.get("background", "#000000"))
    except Exception:
        background = Color(0, 0, 0)
    styles: dict[str, Style] = {}
    for name, (text_style, variable) in ELEMENTS.items():
        style = Style.parse(text_style)
        color = resolve_color(variables.get(variable, ""), background)
        if color is None and variable == "text-muted":
            style += Style(dim=True)  # an ANSI theme's muted text: the terminal's own, dimmed
        styles[name] = style + Style(color=color) if color is not None else style
    return RichTheme(styles, inherit=True)


def markdown_styles(theme: TextualTheme) -> RichTheme:
    """The Rich styles of an answer's Markdown in ``theme``; the same object for as long as the
    theme is (so ``is`` tells whether the styles changed)."""
    cached = _CACHE.get(id(theme))
    if cached is None or cached[0] is not theme:
        cached = _CACHE[id(theme)] = (theme, _build(theme))
    return cached[1]


def default_markdown_styles() -> RichTheme:
    """The styles of :data:`DEFAULT_THEME` (Textual's default), for drawing without an app."""
    return markdown_styles(BUILTIN_THEMES[DEFAULT_THEME])

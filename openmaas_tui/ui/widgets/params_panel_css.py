"""The parameter panel's styles: a narrow column of one-line fields (a label of 12 columns and
its input), greyed where the model does not take the field, the system prompt filling the rest."""

PARAMS_PANEL_CSS = """
    ParamsPanel {
        width: 32;
        height: 1fr;
        border: round $border-blurred;
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        &:focus-within {
            border: round $border;
            border-title-color: $text;
        }
        .caption { color: $text-muted; }
        #model-info, #discovered { color: $text-muted; height: 1; text-wrap: nowrap; }
        #discovered { display: none; }
        #discovered.-found { display: block; }
        #model SelectCurrent Static#label { text-wrap: nowrap; text-overflow: ellipsis; }
        #model > SelectOverlay { width: 44; constrain: inside inside; }
        .field { height: 1; }
        .field Label { width: 12; color: $text-muted; }
        .field:focus-within Label { color: $text; text-style: bold; }
        .field.-off Label { color: $text-disabled; }
        .field Input, .field Select, .field Checkbox { width: 1fr; }
        #param-errors { color: $error; height: auto; display: none; }
        #param-errors.-shown { display: block; }
        #schema { height: 6; display: none; }
        #schema.-shown { display: block; }
        #system-caption { margin-top: 1; }
        #system { height: 1fr; min-height: 4; }
    }
    """
"""``ParamsPanel.DEFAULT_CSS``."""

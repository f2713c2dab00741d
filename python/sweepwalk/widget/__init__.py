"""The notebook widget: a thin anywidget view over a Session."""

"""The patient report and the text/JSON summaries: content, figures and PDF layout."""

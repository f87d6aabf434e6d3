"""What each HTML page gets: the "try it" button, MathJax, the sidebar, static files, the status table."""

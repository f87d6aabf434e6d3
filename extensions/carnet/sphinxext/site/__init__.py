"""What the build writes beside the pages: JupyterLite, GitHub Pages' files, Binder, the symlink guard, the report."""

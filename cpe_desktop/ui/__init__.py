"""The Qt shell: windows, dialogs, models and the tray. Everything else lives below, Qt-free."""

"""The main window's tabs: the dashboard and one table view per database table."""

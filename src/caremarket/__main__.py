from caremarket.cli import app

app()

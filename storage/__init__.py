"""Database schema, migrations, repositories and the FSM storage."""

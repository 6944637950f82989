"""Operations' navigation entries, dashboard cards and demo seeder."""

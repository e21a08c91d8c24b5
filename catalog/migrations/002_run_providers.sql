-- The providers a run touched, so a load spanning several providers still counts as each one's last run.
ALTER TABLE run ADD COLUMN providers VARCHAR[];

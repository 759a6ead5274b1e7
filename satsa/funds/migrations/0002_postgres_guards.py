"""PostgreSQL guards for the journal: balanced transactions and append-only rows.

A deferred constraint trigger checks at COMMIT that every transaction touched has at
least two entries summing to zero; BEFORE UPDATE/DELETE triggers refuse to change posted
transactions and entries. Other databases rely on the model and queryset guards.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION funds_check_balanced() RETURNS trigger AS $$
DECLARE
    tx bigint;
    legs integer;
    balance numeric;
BEGIN
    IF TG_TABLE_NAME = 'funds_transaction' THEN
        tx := NEW.id;
    ELSE
        tx := NEW.transaction_id;
    END IF;
    SELECT count(*), COALESCE(sum(amount), 0) INTO legs, balance
      FROM funds_entry WHERE transaction_id = tx;
    IF legs < 2 OR balance <> 0 THEN
        RAISE EXCEPTION 'funds: transaction % is unbalanced (% entries, sum %)', tx, legs, balance
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER funds_entry_balanced
    AFTER INSERT ON funds_entry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_check_balanced();
CREATE CONSTRAINT TRIGGER funds_transaction_balanced
    AFTER INSERT ON funds_transaction DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_check_balanced();

CREATE OR REPLACE FUNCTION funds_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'funds: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER funds_entry_append_only BEFORE UPDATE OR DELETE ON funds_entry
    FOR EACH ROW EXECUTE FUNCTION funds_append_only();
CREATE TRIGGER funds_transaction_append_only BEFORE UPDATE OR DELETE ON funds_transaction
    FOR EACH ROW EXECUTE FUNCTION funds_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS funds_transaction_append_only ON funds_transaction;
DROP TRIGGER IF EXISTS funds_entry_append_only ON funds_entry;
DROP TRIGGER IF EXISTS funds_transaction_balanced ON funds_transaction;
DROP TRIGGER IF EXISTS funds_entry_balanced ON funds_entry;
DROP FUNCTION IF EXISTS funds_append_only();
DROP FUNCTION IF EXISTS funds_check_balanced();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]

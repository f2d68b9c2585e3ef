"""Each chain's sequence numbers are unique (added after 0003 has re-numbered the events)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_rechain")]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_chain_seq_unique"),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("account_center", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="logtoidentity",
            name="session_epoch",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="session epoch"
            ),
        ),
    ]

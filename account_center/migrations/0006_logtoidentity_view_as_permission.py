from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('account_center', '0005_security_alerts'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='logtoidentity',
            options={'permissions': [('manage_logto_users', 'Can suspend, restore, sign out and reset MFA of Logto users'), ('view_as_logto_user', 'Can view the account center as a Logto user (support)')], 'verbose_name': 'Logto identity', 'verbose_name_plural': 'Logto identities'},
        ),
    ]

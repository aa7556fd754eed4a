from django.conf import settings


def fill_in_numbers(text):
    """Fill in the help-line numbers clinicians write as {emergency_number}/{urgent_number}.

    The numbers are settings, so one deployment can change them everywhere at once.
    """
    return (
        str(text)
        .replace("{emergency_number}", settings.EMERGENCY_NUMBER)
        .replace("{urgent_number}", settings.URGENT_NUMBER)
    )

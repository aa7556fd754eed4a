from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from . import formats
from .knowledge import BadRequest, answer, read_request


# The service takes no form and changes nothing, so a POST from anywhere is refused as a
# method it does not answer (405), not as a forged form (403).
@csrf_exempt
@require_safe
def knowledge(request):
    """The HL7 Infobutton service: current articles for a diagnosis another system asks
    about (see knowledge.py), as an Atom feed, JSON or a page of links."""
    try:
        asked = read_request(request.GET)
    except BadRequest as error:
        return formats.refused(request, error)
    return formats.answered(request, answer(asked))

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from lshub.registry.models import Organisation


def home(request):
    return HttpResponse("lshub")


def organisation(request, slug):
    return HttpResponse(get_object_or_404(Organisation, slug=slug).name)

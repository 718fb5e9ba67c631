def queue(request): pass
def item(request, pk): pass
def decide(request, pk): pass

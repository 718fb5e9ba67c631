from ninja import NinjaAPI

api = NinjaAPI(title="lshub API", version="1", urls_namespace="api")

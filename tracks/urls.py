app_name = "tracks"
urlpatterns: list = []

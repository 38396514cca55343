from django.urls import path

from cases import views_advice

urlpatterns = [
    path("advies/", views_advice.advice_overview, name="advice"),
    path("advies/anoniem/", views_advice.anonymous_advice_create, name="anonymous-advice-create"),
    path("advies/contactmoment/", views_advice.information_contact_create, name="information-contact-create"),
    path("casussen/<int:pk>/advies-afronden/", views_advice.extended_advice_conclude, name="advice-conclude"),
]

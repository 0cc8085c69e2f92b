from django.views.generic import DetailView, ListView

from people.models import Organization, Person


class PersonListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Person.objects.public()


class PersonDetailView(DetailView):
    def get_queryset(self):
        return Person.objects.public()


class OrganizationListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Organization.objects.public()


class OrganizationDetailView(DetailView):
    def get_queryset(self):
        return Organization.objects.public()

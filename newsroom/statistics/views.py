"""/statistics/ (the /cases/ filters apply) and one CSV per chart."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from cases.filters import CaseFilter
from cases.models import Case
from newsroom.statistics import charts
from newsroom.statistics.figures import FIGURES, all_figures


def chart_of(figure):
    """The drawing of a figure: columns over time, or stacked horizontal bars."""
    if figure.slug == "in-prison":
        return "time", charts.time_chart(figure)
    if figure.slug == "sentences":
        classes = [f"chart-kind-{kind or 'unreported'}" for kind in figure.kinds]
    elif figure.slug == "terms":
        classes = ["chart-certain", "chart-range"]
    else:
        classes = ["chart-single"]
    return "bars", charts.bar_chart(figure, classes)


def drawn(figures, query):
    """(figure, chart kind, chart, CSV address) for each figure."""
    result = []
    for figure in figures:
        kind, chart = chart_of(figure)
        address = reverse("statistics:csv", kwargs={"chart": figure.slug})
        result.append((figure, kind, chart, f"{address}?{query}" if query else address))
    return result


def filtered_cases(request):
    """(the filter set, the published cases it selects or None when a parameter is bad)."""
    filterset = CaseFilter(request.GET or None, queryset=Case.objects.published())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, None
    return filterset, filterset.qs


def statistics(request):
    filterset, cases = filtered_cases(request)
    context = {
        "filterset": filterset,
        "active_filters": filterset.active_filters(),
        "cases_query": request.GET.urlencode(),
    }
    if cases is None:
        context["errors"] = [error for errors in filterset.form.errors.values() for error in errors]
        return render(request, "statistics/statistics.html", context, status=400)
    context["figures"] = drawn(all_figures(cases), request.GET.urlencode())
    return render(request, "statistics/statistics.html", context)


def figure_csv(request, chart):
    """One chart's numbers as CSV, with the same filters as the page."""
    if chart not in FIGURES:
        raise Http404(gettext("There is no such chart."))
    filterset, cases = filtered_cases(request)
    if cases is None:
        lines = [error for errors in filterset.form.errors.values() for error in errors]
        return HttpResponse(
            "\n".join(str(line) for line in lines) + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    figure = FIGURES[chart](cases)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart}.csv"'
    writer = csv.writer(response)
    writer.writerow([figure.label_column, *figure.columns])
    for label, values in figure.rows:
        writer.writerow([label, *values])
    return response

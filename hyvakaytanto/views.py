from django.shortcuts import render

from archive.queries import latest_winners
from hyvakaytanto.queries import criteria, current_competition


def home(request):
    competition = current_competition()
    return render(
        request,
        "hyvakaytanto/home.html",
        {
            "competition": competition,
            "phase": competition.phase if competition else None,
            "criteria": criteria(),
            "latest_winners": latest_winners(),
        },
    )

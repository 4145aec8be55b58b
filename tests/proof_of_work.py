"""The sign-in's proof of work, solved as the browser's widget solves it (voting/proof.py)."""

import base64
import json

from altcha import ChallengeV1, solve_challenge_v1


def solve(challenge: dict) -> str:
    """The widget's form field for this challenge: its solution as base64 JSON."""
    solution = solve_challenge_v1(
        ChallengeV1(
            algorithm=challenge["algorithm"],
            challenge=challenge["challenge"],
            max_number=challenge["maxNumber"],
            salt=challenge["salt"],
            signature=challenge["signature"],
        )
    )
    assert solution is not None, challenge
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
        "took": int(solution.took * 1000),
    }
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def solved_for(client) -> str:
    """A fresh challenge from the site, solved."""
    return solve(client.get("/tili/kirjaudu/haaste/").json())

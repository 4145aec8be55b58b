"""Raw SQL of the vote's measured hot paths: the vote's one INSERT, which decides in the
database whether the vote is open and the voter verified, and the finalist page's one read of
the visitor's vote. Only our own (and allauth's) table names are formatted into a statement;
every value is a parameter. Tests check each against the Python rule it mirrors (the open vote:
tests/hyvakaytanto/test_models.py; the verified address and the vote: tests/voting/)."""

from allauth.account.models import EmailAddress
from django.db import connection

from core.models import Competition
from core.sql import VOTING_OPEN_SQL
from jury.models import Finalist
from nominations.models import Nomination
from voting.models import Vote

# The verified-address half of is_verified_voter, for statements that decide in the database
# (the vote's INSERT, the finalist page's one query); the voter's id is %(voter)s. Only
# allauth's table name is formatted in.
VERIFIED_ADDRESS_SQL = f"""
    EXISTS (
        SELECT 1 FROM {EmailAddress._meta.db_table} WHERE user_id = %(voter)s AND verified
    )
"""  # noqa: S608  # nosec B608

# The vote: inserted only while the year's vote is open and the voter's address verified, and
# only once (the unique constraint); a concurrent insert by the same voter waits for ours to
# commit and then does nothing.
VOTE_INSERT_SQL = f"""
    WITH finalist AS (
        SELECT finalist.id, nomination.competition_id, nomination.practice_name
        FROM {Finalist._meta.db_table} finalist
        JOIN {Nomination._meta.db_table} nomination ON nomination.id = finalist.nomination_id
        JOIN {Competition._meta.db_table} competition
            ON competition.id = nomination.competition_id
        WHERE finalist.id = %(finalist)s AND {VOTING_OPEN_SQL}
    ), vote AS (
        INSERT INTO {Vote._meta.db_table}
            (competition_id, voter_id, finalist_id, cast_at, network, language, device,
             removed_rule)
        SELECT finalist.competition_id, %(voter)s, finalist.id, %(now)s, %(network)s,
            %(language)s, %(device)s, ''
        FROM finalist
        WHERE {VERIFIED_ADDRESS_SQL}
        ON CONFLICT (competition_id, voter_id) DO NOTHING
        RETURNING id, competition_id, cast_at
    )
    SELECT vote.id, vote.competition_id, vote.cast_at, finalist.practice_name
    FROM vote, finalist
"""  # noqa: S608  # nosec B608

VISITOR_VOTE_SQL = f"""
    SELECT {VERIFIED_ADDRESS_SQL}, vote.finalist_id, vote.cast_at
    FROM (SELECT 1) AS visitor
    LEFT JOIN {Vote._meta.db_table} vote
        ON vote.voter_id = %(voter)s AND vote.competition_id = %(competition)s
"""  # noqa: S608  # nosec B608


def vote_insert_if_open(params: dict) -> tuple | None:
    """(vote id, competition id, cast at, the finalist's name), or None: nothing inserted."""
    with connection.cursor() as cursor:
        cursor.execute(VOTE_INSERT_SQL, params)
        return cursor.fetchone()


def visitor_vote_row(voter_id: int, competition_id: int) -> tuple:
    """(verified, finalist id or None, cast at or None) of one visitor in one year."""
    with connection.cursor() as cursor:
        cursor.execute(VISITOR_VOTE_SQL, {"voter": voter_id, "competition": competition_id})
        return cursor.fetchone()

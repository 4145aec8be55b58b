"""Criterion 4 ("Arvioitu") and the section "Miten käytäntöä on arvioitu?" asked the same thing:
the evaluation is now criterion 4's answer alone.

Each nomination keeps both texts: where they differ, the evaluation text follows the answer
after a blank line; where they are the same text (spacing aside), it stays once. Going back copies the
answer into the evaluation field; it stops with an error, rather than cut a text, if a
joined answer no longer fits the old 3,000 characters.
"""

from django.db import migrations, models

EVALUATED = 4  # the criterion's number (hyvakaytanto 0002)


def join_texts(answer: str, evaluation: str) -> str:
    answer, evaluation = answer.strip(), evaluation.strip()
    if " ".join(answer.split()) == " ".join(evaluation.split()):
        return answer  # the same text twice (spacing aside)
    return f"{answer}\n\n{evaluation}"


def merge(apps, schema_editor):
    Nomination = apps.get_model("nominations", "Nomination")
    CriterionAnswer = apps.get_model("nominations", "CriterionAnswer")
    criterion = apps.get_model("hyvakaytanto", "Criterion").objects.get(number=EVALUATED)
    answers = {
        answer.nomination_id: answer
        for answer in CriterionAnswer.objects.filter(criterion=criterion)
    }
    for nomination in Nomination.objects.exclude(evaluation="").only("evaluation").iterator():
        answer = answers.get(nomination.pk)
        if answer is None:
            CriterionAnswer.objects.create(
                nomination=nomination, criterion=criterion, text=nomination.evaluation.strip()
            )
            continue
        text = join_texts(answer.text, nomination.evaluation)
        if text != answer.text:
            answer.text = text
            answer.save(update_fields=["text"])


def unmerge(apps, schema_editor):
    CriterionAnswer = apps.get_model("nominations", "CriterionAnswer")
    Nomination = apps.get_model("nominations", "Nomination")
    for answer in CriterionAnswer.objects.filter(criterion__number=EVALUATED).iterator():
        Nomination.objects.filter(pk=answer.nomination_id).update(evaluation=answer.text)


class Migration(migrations.Migration):
    dependencies = [
        ("hyvakaytanto", "0002_seed_criteria"),
        ("nominations", "0003_single_line_fields"),
    ]

    operations = [
        migrations.AlterField(
            model_name="criterionanswer",
            name="text",
            field=models.CharField(max_length=6002, verbose_name="vastaus"),
        ),
        migrations.RunPython(merge, unmerge),
        # A default, so that going back can add the column to existing rows before filling it.
        migrations.AlterField(
            model_name="nomination",
            name="evaluation",
            field=models.CharField(
                default="", max_length=3000, verbose_name="miten käytäntöä on arvioitu"
            ),
        ),
        migrations.RemoveField(model_name="nomination", name="evaluation"),
    ]

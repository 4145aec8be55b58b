from django import template

from hyvakaytanto import admin_texts

register = template.Library()


@register.simple_tag
def page_title(title, opts=None):
    return admin_texts.page_title(title, opts)


@register.simple_tag
def count_of(count, opts):
    return admin_texts.count_of(count, opts)

"""Size limits, in one place: the domain enforces them and the API schema advertises them."""

from datetime import timedelta

TITLE_MAX = 200
LEAD_MAX = 1_000
BODY_MAX_BYTES = 200 * 1024  # of the HTML as submitted, UTF-8, before sanitising
TAGS_MAX = 20
TAG_MAX = 50
CATEGORIES_MAX = 10
CATEGORY_MAX = 50
CONTACTS_MAX = 10
MEDIA_MAX = 50
MEDIA_ID_MAX = 64
REASON_MAX = 1_000

NAME_MAX = 120
DESCRIPTION_MAX = 2_000
SLUG_MIN = 3
SLUG_MAX = 63
RELEASE_SLUG_MAX = 80

CONTACT_NAME_MAX = 100
CONTACT_ROLE_MAX = 100
EMAIL_MAX = 254
PHONE_MAX = 40
LANGUAGE_MAX = 35

API_KEY_NAME_MAX = 100

SCHEDULE_HORIZON = timedelta(days=2 * 366)  # how far ahead publication may be scheduled

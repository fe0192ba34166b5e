"""The prior-statements register on the survivor step (docs/register.md): an earlier testimony
of the same survivor, spelled otherwise, is offered by its witness code and date only, and
linked as an earlier interview by a form whose record id is in its body."""

from __future__ import annotations

from intake.records import testimonies
from tests.conftest import OTHER_PASSPHRASE, full_record, sign_in
from tests.web.test_web_bundles import post


def _add(conn, vault, user, name: str, **survivor) -> testimonies.Testimony:
    document = full_record()
    document["survivor"] = {**document["survivor"], "full_name": name, "other_names": [],
                            "date_of_birth": "1994", **survivor}
    document["survivor"].pop("age", None)
    return testimonies.create(conn, vault, user, document, completed=True)


def test_the_survivor_step_offers_an_earlier_testimony_and_links_it(signed_in, conn, vault,
                                                                    admin):
    earlier = _add(conn, vault, admin, "Khalida Khalaf Murad", place_of_origin="Kocho")
    _add(conn, vault, admin, "Nasima Khalaf Murad", date_of_birth="1998")  # her sister
    now = _add(conn, vault, admin, "خالدة خلف مراد")
    step = f"/testimonies/{now.id}/step/3"
    page = signed_in.get(step).get_data(as_text=True)
    box = page.split('id="earlier"', 1)[1].split("</section>", 1)[0]
    assert f"Possibly interviewed before: {earlier.witness_code} on" in box and "on this laptop" in box
    assert "W-0002" not in box
    assert "Khalida" not in box and "Kocho" not in box and earlier.id in box  # the id, in a form

    linked = post(signed_in, f"/testimonies/{now.id}/earlier", {"earlier": earlier.id}, page=step)
    assert linked.headers["Location"].endswith(f"{step}#earlier")
    page = signed_in.get(step).get_data(as_text=True)
    assert f"Linked as an earlier interview: {earlier.witness_code}" in page
    assert "Possibly interviewed before" not in page
    saved = testimonies.load(conn, vault, now.id, admin).document["interview"]["earlier_interviews"]
    assert saved[-1]["witness_code"] == earlier.witness_code and saved[-1]["record_id"] == earlier.id

    wrong = post(signed_in, f"/testimonies/{now.id}/earlier", {"earlier": "0" * 32}, page=step)
    assert "is not one this survivor may have given before" in \
        signed_in.get(wrong.headers["Location"]).get_data(as_text=True)
    assert signed_in.post(f"/testimonies/{now.id}/earlier",
                          data={"earlier": earlier.id}).status_code == 400  # no CSRF token


def test_an_interviewer_is_offered_only_what_she_may_see(client, conn, vault, admin, interviewer):
    _add(conn, vault, admin, "Khalida Khalaf Murad")
    mine = _add(conn, vault, interviewer, "Xalida Xelef Mirad")
    assert sign_in(client, "Dilan", OTHER_PASSPHRASE).status_code == 302
    page = client.get(f"/testimonies/{mine.id}/step/3").get_data(as_text=True)
    assert "Possibly interviewed before" not in page

"""The `/pairs` and `/insight` pages, in Finnish and English, on both databases."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _as(tokens: dict[str, str], who: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}", "Accept-Language": lang}


def _csrf(client: TestClient, headers: dict[str, str]) -> str:
    page = client.get("/pairs", headers=headers)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def test_the_pairs_page_suggests_the_organisations_natural_partner(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    page = client.get("/pairs", headers=_as(tokens, "pinta"))
    assert page.status_code == 200, page.text
    assert '<html lang="en">' in page.text
    table = page.text.split('data-testid="pairs"')[1].split("</table>")[0]
    assert "Gran AB" in table and "We supply them" in table
    assert "Kuusi" not in table  # already tied to pinta


def test_the_pairs_page_speaks_finnish_by_default(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    page = client.get("/pairs", headers={"Authorization": f"Bearer {tokens['pinta']}"})
    assert '<html lang="fi">' in page.text
    assert "Luontevat parit" in page.text and "Ehdotetut kumppanit" in page.text


def test_sharing_a_cost_on_the_page_shows_the_airport_split(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    headers = _as(tokens, "pinta")
    form = {
        "csrf_token": _csrf(client, headers),
        "kind": "airport",
        "method": "shapley",
        "players": "Small = 1\nMedium = 2\nLarge = 4",
    }
    page = client.post("/pairs/share", data=form, headers=headers)
    assert page.status_code == 200, page.text
    allocation = page.text.split('data-testid="allocation"')[1].split("</table>")[0]
    assert "0.33" in allocation and "2.83" in allocation
    assert "No group of partners would do better on its own." in page.text


def test_a_malformed_line_is_shown_back_with_where_it_is(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    headers = _as(tokens, "pinta")
    form = {
        "csrf_token": _csrf(client, headers),
        "kind": "synergy",
        "method": "nucleolus",
        "players": "Mill = 10\nLab = 2",
        "synergies": "Mill and Lab = 3",
    }
    page = client.post("/pairs/share", data=form, headers=headers)
    assert page.status_code == 422
    assert "synergies, line 1" in page.text
    assert "Mill and Lab = 3" in page.text  # the form keeps what was typed


def test_a_share_without_the_form_token_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    page = client.post("/pairs/share", data={"players": "a = 1"}, headers=_as(tokens, "pinta"))
    assert page.status_code == 403


def test_the_insight_page_shows_communities_reach_and_brokers(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    # A platform admin of no organisation acts for one only when they name one.
    page = client.get("/insight?seed=4&org=pinta", headers=_as(tokens, "admin"))
    assert page.status_code == 200, page.text
    reach = page.text.split('data-testid="outside-reach"')[1].split("</table>")[0]
    assert "Pinta Oy" in reach and "50%" in reach and "100%" in reach
    assert 'data-testid="brokers"' in page.text and "Kuusi Paper Oy" in page.text


def test_a_member_sees_outside_reach_only_for_its_own_organisation(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    page = client.get("/insight", headers=_as(tokens, "pinta"))
    reach = page.text.split('data-testid="outside-reach"')[1].split("</table>")[0]
    assert "Pinta Oy" in reach and "Kuusi Paper Oy" not in reach


def test_the_pages_send_a_signed_out_visitor_to_sign_in(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    for path in ("/pairs", "/insight"):
        page = client.get(path, follow_redirects=False)
        assert page.status_code in (302, 303, 307)
        assert "/login" in page.headers["location"]


def test_each_suggested_partner_comes_with_why_both_would_win(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    page = client.get("/pairs", headers=_as(tokens, "pinta"))
    why = page.text.split('data-testid="why"')[1].split("</ul>")[0]
    assert "We offer what they need: barrier coatings" in why


def test_the_most_promising_partners_are_listed_with_the_paired_ones_marked(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    page = client.get("/pairs", headers=_as(tokens, "pinta"))
    listed = page.text.split('data-testid="recommendations"')[1].split("</ol>")[0]
    assert "Gran AB" in listed and "(in the pairing)" in listed


def test_an_admin_proposes_a_joint_initiative_from_a_suggested_pair(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    member = client.get("/pairs", headers=_as(tokens, "pinta"))
    assert 'data-testid="propose-with"' not in member.text  # a member proposes nothing
    page = client.get("/pairs?org=pinta", headers=_as(tokens, "admin", "fi"))
    table = page.text.split('data-testid="pairs"')[1].split("</table>")[0]
    links = re.findall(r'data-testid="propose-with" href="([^"]+)"', table)
    assert "/initiatives?by=pinta&amp;with=gran#propose-title" in links
    assert "Ehdota yhteistä aloitetta" in table
    form = client.get("/initiatives?by=pinta&with=gran", headers=_as(tokens, "admin"))
    assert form.status_code == 200
    propose = form.text.split('data-testid="propose"')[1].split("</form>")[0]
    assert '<option value="pinta" selected>' in propose
    assert 'name="with" required maxlength="2000" value="gran"' in propose
    # Nothing was proposed by following the link.
    assert 'data-testid="initiatives"' not in form.text


def test_a_proposal_link_fills_in_only_what_the_person_may_propose(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    hostile = client.get(
        '/initiatives?by=nobody&with="><script>x</script>&title=Yhteinen',
        headers=_as(tokens, "admin"),
    )
    assert hostile.status_code == 200
    propose = hostile.text.split('data-testid="propose"')[1].split("</form>")[0]
    assert " selected>" not in propose  # an organisation no one may propose for
    assert "<script>x</script>" not in hostile.text
    assert 'value="Yhteinen"' in propose
    too_long = client.get("/initiatives?title=" + "x" * 201, headers=_as(tokens, "admin"))
    assert too_long.status_code == 422

"""Near-copy detection."""

from __future__ import annotations

from fogofwar import identity

from ..conftest import STORY_A, STORY_B


def test_exact_and_trimmed_copies_are_contained() -> None:
    original = identity.shingles(STORY_A)
    trimmed = identity.shingles("By our staff, with agencies\n" + STORY_A.rsplit("\n", 1)[0])
    assert identity.containment(trimmed, original) > 0.85
    assert identity.containment(identity.shingles(STORY_B), original) < 0.1


def test_near_copies_share_a_band_and_distinct_stories_do_not() -> None:
    original = set(identity.bands(identity.shingles(STORY_A)))
    copy = set(identity.bands(identity.shingles("Syndicated by Example Wire.\n" + STORY_A[:-80])))
    other = set(identity.bands(identity.shingles(STORY_B)))
    assert original & copy
    assert not original & other


def test_short_texts_get_no_bands() -> None:
    assert identity.bands(identity.shingles("Shelling reported near the border today.")) == []


def test_bands_are_stable_across_calls() -> None:
    assert identity.bands(identity.shingles(STORY_A)) == identity.bands(identity.shingles(STORY_A))
    assert all(0 <= b < 2**63 for b in identity.bands(identity.shingles(STORY_A)))


def test_find_original_picks_best_above_threshold() -> None:
    texts = {"a": STORY_A, "b": STORY_B}
    copy = identity.shingles(STORY_A[:-100])
    assert identity.find_original(copy, ["b", "a"], texts.__getitem__, threshold=0.8)[0] == "a"
    assert identity.find_original(copy, ["b"], texts.__getitem__, threshold=0.8) is None


def test_a_lightly_edited_repost_is_still_a_near_copy_and_a_different_story_is_not() -> None:
    from fogofwar.config import Settings
    from fogofwar.identity import containment, shingles

    story = ("Russian missiles struck a children's hospital in the capital on Monday, killing at least two adults "
             "and wounding dozens, the mayor said. Rescuers searched the rubble of the toxicology ward through the "
             "afternoon while doctors moved patients to other clinics across the city. The air force said it "
             "had shot down 30 of the 38 missiles fired overnight and that the attack came in two waves.")
    repost = story.replace("on Monday", "on Monday morning").replace("through the afternoon", "for hours") + (
        " Subscribe to our channel for more news.")
    other = ("Ukrainian drones hit an oil refinery in the Ryazan region overnight, the regional governor said, "
             "adding that a fire broke out and was quickly put out. Russia's defence ministry said it had downed "
             "58 drones over several regions.")
    threshold = Settings().near_copy_threshold
    assert containment(shingles(story), shingles(repost)) >= threshold
    assert containment(shingles(story), shingles(other)) < threshold

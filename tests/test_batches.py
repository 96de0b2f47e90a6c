import dataclasses

from flows import stages


def test_a_released_batch_holds_no_rows():
    # Prefect keeps a finished task's parameters referenced, so a batch must drop its rows itself;
    # a list field added to Batch later must be dropped too
    batch = stages.Batch(number=3)
    lists = [f.name for f in dataclasses.fields(batch) if f.name != "number"]
    for name in lists:
        getattr(batch, name).append({"body": "نص"})
    batch.release()
    assert batch.number == 3
    assert all(getattr(batch, name) == [] for name in lists)

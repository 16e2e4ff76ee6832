from customlabels.services import projects


def test_a_project_created_is_listed(ctx):
    projects.create_project(ctx, "pets")
    assert [p.name for p in projects.list_projects(ctx)] == ["pets"]


def test_each_test_starts_with_an_empty_database(ctx):
    assert projects.list_projects(ctx) == []

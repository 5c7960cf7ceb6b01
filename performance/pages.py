"""What the public pages show, from a snapshot (public.snapshot) only: never the register."""

from kpis.charts import value_chart

# The downloads of a published quarter: file name -> (title, header, the snapshot's rows).
DOWNLOADS = {
    "commitments.csv": "Commitments with their status and update",
    "summary.csv": "Statuses quarter by quarter",
    "kpis.csv": "KPI values by quarter",
}


def body_context(content: dict) -> dict:
    """The snapshot arranged for its page: commitments under each policy area, KPI charts."""
    by_ref = {row["ref"]: row for row in content["commitments"]}
    areas = [{**area, "rows": [by_ref[ref] for ref in area["refs"]]} for area in content["areas"]]
    kpis = [
        {
            **kpi,
            "chart": value_chart(
                name=kpi["name"],
                unit=kpi["unit"],
                better_label=kpi["better_label"],
                target=kpi["target"],
                values=[(v["period"], v["value"]) for v in kpi["values"]],
            ),
        }
        for kpi in content["kpis"]
    ]
    return {"content": content, "areas": areas, "kpis": kpis, "downloads": DOWNLOADS}


def csv_table(content: dict, name: str) -> tuple[list[str], list[list]]:
    """(header, rows) of one of DOWNLOADS: the same figures as the page."""
    if name == "commitments.csv":
        header = ["Ref", "Policy Area", "Individual Commitment", "Timescale", content["period"]["label"], "Update"]
        rows = [
            [r["ref"], " / ".join(r["policy_areas"]), r["text"], r["timescale"], r["status_label"], r["update"]]
            for r in content["commitments"]
        ]
        return header, rows
    if name == "summary.csv":
        header = ["Quarter", "Red", "Amber", "Green", "Not assessed", "Withheld", "Total"]
        keys = ["period", "red", "amber", "green", "not_assessed", "withheld", "total"]
        return header, [[row[key] for key in keys] for row in content["summary"]]
    header = ["Ref", "KPI", "Policy Area", "Unit", "Better", "Target", "Quarter", "Value", "Note", "Illustrative"]
    rows = [
        [
            k["ref"],
            k["name"],
            k["policy_area"],
            k["unit"],
            k["better_label"],
            k["target_text"],
            v["period"],
            v["value"],
            v["note"],
            "Yes" if k["illustrative"] else "No",
        ]
        for k in content["kpis"]
        for v in k["values"]
    ]
    return header, rows

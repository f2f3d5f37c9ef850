//! The batch-comparison workflow on small hand-made sets.

use super::*;
use crate::io::{Layout, read_csv};

fn layout() -> Layout {
    Layout::new("mayor", "table")
        .with_electors("electors")
        .with_voters("voters")
        .with_candidate("A", "Ana", "A")
        .with_candidate("B", "Bo", "B")
        .with_candidate("C", "Cy", "C")
}

/// `n` tables of 400 electors, 300 voters, 160 / 110 / 30 (A wins by 50 a table).
fn rows(n: usize) -> Vec<String> {
    (1..=n)
        .map(|t| format!("T{t:04},400,300,160,110,30"))
        .collect()
}

fn set(rows: &[String]) -> ActaSet {
    let mut csv = String::from("table,electors,voters,A,B,C\n");
    for r in rows {
        csv.push_str(r);
        csv.push('\n');
    }
    let read = read_csv(csv.as_bytes(), &layout()).unwrap();
    assert!(read.report.rejected.is_empty());
    read.set
}

/// The audited sheets of `tables`, as reported unless `paper` gives a row for a table.
fn paper(reported: &[String], tables: &[String], paper: &[(&str, &str)]) -> ActaSet {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for t in tables {
        if seen.contains(t) {
            continue;
        }
        seen.push(t.clone());
        let row = paper.iter().find(|(id, _)| id == t).map_or_else(
            || {
                reported
                    .iter()
                    .find(|r| r.starts_with(&format!("{t},")))
                    .unwrap()
                    .clone()
            },
            |(id, rest)| format!("{id},{rest}"),
        );
        out.push(row);
    }
    set(&out)
}

#[test]
fn a_clean_sample_confirms() {
    let rows = rows(500);
    let reported = set(&rows);
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    // U = 500 tables of (50 + 300) / 25,000.
    assert!((audit.total_bound() - 7.0).abs() < 1e-12);
    let size = audit.first_round();
    assert_eq!(size, macro_sample_size(0.05, 7.0, 1.0, 500).unwrap());
    let (audit, draws) = audit.draw(&reported, "12345", size).unwrap();
    assert_eq!(draws.len() as u64, size);
    assert_eq!(draws[0].number, 1);
    let tables: Vec<String> = draws.iter().map(|d| d.table.clone()).collect();
    let audited = paper(&rows, &tables, &[]);
    let e = audit.evaluate(&reported, &audited, &[]).unwrap();
    assert_eq!(e.status, Status::Confirmed);
    assert!(e.risk.p_value <= 0.05);
    assert!(e.discrepancies.is_empty());
    assert_eq!(e.findings.len(), 1);
    assert_eq!(e.findings[0].code, Code::RiskLimitMet);
    assert!(e.to_string().starts_with("CONFIRMED"));
}

#[test]
fn draws_do_not_depend_on_the_files_order() {
    let rows = rows(300);
    let mut shuffled = rows.clone();
    shuffled.reverse();
    shuffled.swap(3, 200);
    let (a, b) = (set(&rows), set(&shuffled));
    let plan = BatchAudit::plan(&a, BatchAuditOptions::new(0.1)).unwrap();
    let (_, da) = plan.draw(&a, "seed", 40).unwrap();
    let plan_b = BatchAudit::plan(&b, BatchAuditOptions::new(0.1)).unwrap();
    assert_eq!(plan, plan_b);
    let (_, db) = plan_b.draw(&b, "seed", 40).unwrap();
    assert_eq!(da, db);
    // Two rounds of 20 are the one round of 40.
    let (mid, first) = plan.draw(&a, "seed", 20).unwrap();
    let (_, second) = mid.draw(&a, "seed", 20).unwrap();
    assert_eq!([first, second].concat(), da);
    // The seed cannot change between rounds.
    assert!(mid.draw(&a, "other", 1).is_err());
}

#[test]
fn an_overstatement_asks_for_more_and_a_lost_sheet_for_a_full_count() {
    let rows = rows(500);
    let reported = set(&rows);
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    let size = audit.first_round();
    let (audit, draws) = audit.draw(&reported, "777", size).unwrap();
    let tables: Vec<String> = draws.iter().map(|d| d.table.clone()).collect();
    let first = tables[0].clone();
    // The first drawn sheet gives A 50 votes fewer and B 50 more: 100 votes of the margin.
    let audited = paper(&rows, &tables, &[(first.as_str(), "400,300,110,160,30")]);
    let e = audit.evaluate(&reported, &audited, &[]).unwrap();
    assert_eq!(e.discrepancies.len(), 1);
    let d = &e.discrepancies[0];
    assert_eq!(
        (d.counted_as, d.winner.as_str(), d.loser.as_str()),
        (100, "A", "B")
    );
    assert!((d.taint - 100.0 / 350.0).abs() < 1e-12);
    assert!(
        e.findings
            .iter()
            .any(|f| f.code == Code::SampledOverstatement)
    );
    let Status::MoreDraws { more } = e.status else {
        panic!("{e}");
    };
    assert!(more > 0);
    assert!(e.to_string().contains("NOT YET"));
    // Draw the more, all clean: the audit confirms.
    let (audit2, more_draws) = audit.draw(&reported, "777", more).unwrap();
    let all: Vec<String> = tables
        .iter()
        .cloned()
        .chain(more_draws.iter().map(|d| d.table.clone()))
        .collect();
    let audited2 = paper(&rows, &all, &[(first.as_str(), "400,300,110,160,30")]);
    let e2 = audit2.evaluate(&reported, &audited2, &[]).unwrap();
    assert_eq!(e2.status, Status::Confirmed, "{e2}");
    // A lost sheet counts as wrong as it can be: a full count.
    let lost = tables[1].clone();
    let without: Vec<String> = tables.iter().filter(|t| **t != lost).cloned().collect();
    let audited3 = paper(&rows, &without, &[]);
    let e3 = audit
        .evaluate(&reported, &audited3, &[lost.as_str()])
        .unwrap();
    assert_eq!(e3.status, Status::FullCount, "{e3}");
    assert!(e3.findings.iter().any(|f| f.code == Code::SheetNotFound));
    assert!(e3.findings.iter().any(|f| f.code == Code::FullCountNeeded));
}

#[test]
fn unread_sheets_are_awaited_not_ignored() {
    let rows = rows(500);
    let reported = set(&rows);
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    let (audit, draws) = audit.draw(&reported, "1", 30).unwrap();
    let tables: Vec<String> = draws.iter().map(|d| d.table.clone()).collect();
    let audited = paper(&rows, &tables[..10], &[]);
    let e = audit.evaluate(&reported, &audited, &[]).unwrap();
    assert_eq!(e.status, Status::Awaiting);
    assert_eq!(e.risk.draws_used, 10);
    let mut want: Vec<String> = Vec::new();
    for t in &tables[10..] {
        if !want.contains(t) && !tables[..10].contains(t) {
            want.push(t.clone());
        }
    }
    assert_eq!(e.awaiting, want);
    // A sheet of a table not drawn, and a second reading, are said to be unused.
    let mut extra: Vec<String> = tables[..10].to_vec();
    let not_drawn = (1..=500)
        .map(|t| format!("T{t:04}"))
        .find(|t| !tables.contains(t))
        .unwrap();
    extra.push(not_drawn.clone());
    let mut with_extra = paper(&rows, &extra, &[]);
    let mut again = with_extra.sheet(0).unwrap().to_sheet();
    again.geo = None;
    with_extra.push(again).unwrap();
    let e = audit.evaluate(&reported, &with_extra, &[]).unwrap();
    assert_eq!(e.unused, [not_drawn, tables[0].clone()]);
    assert!(e.to_string().contains("not used: 2 audited sheets"));
}

#[test]
fn a_full_count_confirms_or_overturns() {
    let rows = rows(40);
    let reported = set(&rows);
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    let all: Vec<String> = (1..=40).map(|t| format!("T{t:04}")).collect();
    let same = paper(&rows, &all, &[]);
    let e = audit.evaluate(&reported, &same, &[]).unwrap();
    assert_eq!(e.status, Status::Confirmed);
    assert!(e.risk.full_count);
    // The paper gives B the lead: 100 / 170 on every table.
    let flipped: Vec<(String, String)> = all
        .iter()
        .map(|t| (t.clone(), "400,300,100,170,30".to_owned()))
        .collect();
    let flipped: Vec<(&str, &str)> = flipped
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let other = paper(&rows, &all, &flipped);
    let e = audit.evaluate(&reported, &other, &[]).unwrap();
    assert_eq!(e.status, Status::Overturned);
    assert!(
        e.findings
            .iter()
            .any(|f| f.code == Code::FullCountOverturns)
    );
    assert_eq!(e.paper_totals.as_deref(), Some(&[4000, 6800, 1200][..]));
    assert_eq!(e.discrepancies.len(), 40);
    // A paper count with more votes than ballots is reported, not refused.
    let stuffed: Vec<(String, String)> = all
        .iter()
        .map(|t| (t.clone(), "400,300,500,10,30".to_owned()))
        .collect();
    let stuffed: Vec<(&str, &str)> = stuffed
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let e = audit
        .evaluate(&reported, &paper(&rows, &all, &stuffed), &[])
        .unwrap();
    assert_eq!(e.status, Status::Confirmed);
    assert_eq!(e.paper_totals.as_deref(), Some(&[20_000, 400, 1200][..]));
}

#[test]
fn refusals_and_the_bound() {
    let rows = rows(50);
    let reported = set(&rows);
    assert!(BatchAudit::plan(&reported, BatchAuditOptions::new(1.5)).is_err());
    assert!(BatchAudit::plan(&reported, BatchAuditOptions::new(0.05).with_seats(3)).is_err());
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    // Other reported sheets.
    let other = set(&rows[..49]);
    assert!(audit.evaluate(&other, &other, &[]).is_err());
    assert!(audit.draw(&other, "s", 1).is_err());
    // A paper sheet with more voters than reported breaks the bound (L007).
    let (audit, draws) = audit.draw(&reported, "s", 3).unwrap();
    let t = draws[0].table.clone();
    let tables: Vec<String> = draws.iter().map(|d| d.table.clone()).collect();
    let audited = paper(&rows, &tables, &[(t.as_str(), "400,350,160,160,30")]);
    let e = audit.evaluate(&reported, &audited, &[]).unwrap();
    assert!(e.findings.iter().any(|f| f.code == Code::AboveErrorBound));
    // A missing count on the reported side is refused with the table named.
    let mut holes = rows.clone();
    holes[7] = "T0008,400,300,,110,30".to_owned();
    let err = BatchAudit::plan(&set(&holes), BatchAuditOptions::new(0.05)).unwrap_err();
    assert!(err.to_string().contains("T0008"), "{err}");
    // Electors as the basis: a larger U.
    let electors = BatchAudit::plan(
        &reported,
        BatchAuditOptions::new(0.05).with_basis(BoundBasis::Electors),
    )
    .unwrap();
    assert!(
        electors.total_bound()
            > BatchAudit::plan(&reported, BatchAuditOptions::new(0.05))
                .unwrap()
                .total_bound()
    );
}

#[cfg(feature = "serde")]
#[test]
fn the_state_reads_back() {
    let rows = rows(100);
    let reported = set(&rows);
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    let (audit, _) = audit.draw(&reported, "s", 7).unwrap();
    let json = serde_json::to_string(&audit).unwrap();
    let back: BatchAudit = serde_json::from_str(&json).unwrap();
    assert_eq!(back, audit);
    assert_eq!(back.draws().len(), 7);
    assert_eq!(back.seed(), Some("s"));
    // A state edited by hand is refused at the next step.
    let edited = json.replace("\"total_bound\":", "\"total_bound\":1");
    let edited: BatchAudit = serde_json::from_str(&edited).unwrap();
    assert!(edited.draw(&reported, "s", 1).is_err());
}

#[cfg(feature = "serde")]
#[test]
fn infinite_figures_read_back() {
    // A tie: U is infinite.
    let tie: Vec<String> = (1..=10)
        .map(|t| format!("T{t:04},400,300,120,120,60"))
        .collect();
    let reported = set(&tie);
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    assert!(audit.total_bound().is_infinite());
    assert_eq!(audit.first_round(), 10);
    assert!(audit.draw(&reported, "s", 1).is_err());
    let json = serde_json::to_string(&audit).unwrap();
    assert!(json.contains("\"total_bound\":null"), "{json}");
    assert_eq!(serde_json::from_str::<BatchAudit>(&json).unwrap(), audit);
    // A lost sheet: the risk so far is infinite.
    let rows = rows(100);
    let reported = set(&rows);
    let audit = BatchAudit::plan(&reported, BatchAuditOptions::new(0.05)).unwrap();
    let (audit, draws) = audit.draw(&reported, "s", 5).unwrap();
    let lost = draws[0].table.clone();
    let nothing = ActaSet::new(reported.contest().clone(), crate::Geography::default());
    let e = audit
        .evaluate(&reported, &nothing, &[lost.as_str()])
        .unwrap();
    assert!(e.risk.risk_so_far.is_infinite());
    assert_eq!(e.status, Status::FullCount);
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(serde_json::from_str::<Evaluation>(&json).unwrap(), e);
}

/// U, summed per pair in pieces (in parallel or not), is the sum of every table's bound from
/// `batch_error_bound`; at piece boundaries, with repeated readings, near-tied pairs and two
/// winners.
#[test]
fn the_total_bound_is_the_sum_of_the_tables_bounds() {
    use crate::Execution;
    use crate::rla::batch_error_bound;
    for n in [1, 2, PIECE - 1, PIECE, PIECE + 1, 2 * PIECE + 3] {
        for seats in [1, 2] {
            // Counts that make pairs nearly tie: B and C close, A far ahead.
            let mut rows: Vec<String> = (0..n)
                .map(|t| {
                    let a = 150 + (t * 7919) % 90;
                    let b = 60 + (t * 104_729) % 40;
                    let c = 60 + (t * 1_299_709) % 40;
                    format!("T{t:06},400,{},{a},{b},{c}", a + b + c + (t % 5))
                })
                .collect();
            // Two repeated readings, one conflicting: first readings count.
            rows.push("T000000,400,300,1,1,1".to_owned());
            if n > 1 {
                rows.push(rows[1].clone());
            }
            let reported = set(&rows);
            let options = BatchAuditOptions::new(0.05).with_seats(seats);
            let par = BatchAudit::plan(&reported, options).unwrap();
            let seq =
                BatchAudit::plan(&reported, options.with_execution(Execution::Sequential)).unwrap();
            assert_eq!(
                par.total_bound().to_bits(),
                seq.total_bound().to_bits(),
                "n {n}"
            );
            let mut sum = 0.0;
            for i in 0..reported.len() {
                if reported.is_repeat(i) {
                    continue;
                }
                let s = reported.sheet(i).unwrap();
                let votes: Vec<u64> = s.votes().map(|v| u64::from(v.unwrap())).collect();
                sum += batch_error_bound(par.result(), &votes, u64::from(s.voters().unwrap()))
                    .unwrap();
            }
            let u = par.total_bound();
            if u.is_infinite() {
                assert!(sum.is_infinite(), "n {n} seats {seats}: a tie is infinite");
            } else {
                assert!(
                    (u - sum).abs() <= 1e-9 * u,
                    "n {n} seats {seats}: {u} against {sum}"
                );
            }
        }
    }
}

//! Answers to common tasks, each a runnable example.
//!
//! This module holds no code. The [`tutorial`](crate::tutorial) walks through an audit from the
//! start; here each section stands alone.
//!
//! # A layout in code: a composite key, padded codes, a derived field, Latin-1
//!
//! Centre codes printed without their leading zeros, the table key built from the centre and the
//! table number, voters not printed but equal to valid plus null, a Latin-1 file:
//!
//! ```
//! use actas::io::{Encoding, GeoLevel, Key, KeyPart, Layout, Source, read_csv};
//!
//! let layout = Layout::new(
//!         "presidential",
//!         Key::new([KeyPart::column("CENTRO").padded(9), KeyPart::column("MESA")]),
//!     )
//!     .with_encoding(Encoding::Latin1)
//!     .with_level(GeoLevel::new("state", "COD_EDO").with_name("EDO"))
//!     .with_level(GeoLevel::new("centre", "CENTRO").padded(9))
//!     .with_valid("VALIDOS")
//!     .with_null("NULOS")
//!     .with_voters(Source::sum(["VALIDOS", "NULOS"]))
//!     .with_candidate("EG", "Edmundo González Urrutia", "EG")
//!     .with_candidate("NM", "Nicolás Maduro Moros", "NM");
//! // "MÉRIDA" in Latin-1: É is the single byte 0xC9.
//! let csv = b"COD_EDO,EDO,CENTRO,MESA,VALIDOS,NULOS,EG,NM\n14,M\xC9RIDA,140101001,1,300,2,200,100\n";
//! let read = read_csv(&csv[..], &layout)?;
//! assert_eq!(read.set.table_id(0), Some("140101001-1"));
//! assert_eq!(read.set.sheet(0).unwrap().voters(), Some(302));
//! let place = read.set.sheet(0).unwrap().geo().unwrap();
//! let state = read.set.geography().ancestor_at(place, 0).unwrap();
//! assert_eq!(read.set.geography().node(state).unwrap().name(), Some("MÉRIDA"));
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # A rule of your own form
//!
//! Forms differ: some print the ballots received, and the ballots used cannot exceed them. A
//! further field (`with_extra`) can be named in a rule, next to the standard ones:
//!
//! ```
//! use actas::audit::{Audit, AuditOptions};
//! use actas::io::{Layout, read_csv};
//! use actas::report::Code;
//! use actas::rules::Rule;
//!
//! let layout = Layout::new("c", "table")
//!     .with_voters("voters")
//!     .with_valid("valid")
//!     .with_extra("received", "received")
//!     .with_candidate("A", "Ana", "A")
//!     .with_rule("voters <= received".parse::<Rule>()?);
//! let csv = "table,voters,valid,received,A\n1,10,10,12,10\n2,10,10,8,10\n";
//! let read = read_csv(csv.as_bytes(), &layout)?;
//! // The layout's rule set: the standard rules it can check, and its own.
//! let options = AuditOptions::default().with_rules(layout.rule_set());
//! let report = Audit::new(&read.set).options(options).run()?;
//! let broken: Vec<String> = report
//!     .with_code(Code::RuleBroken)
//!     .map(|f| f.subject.to_string())
//!     .collect();
//! assert_eq!(broken, ["table 2"]);
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # Findings as JSON, filtered by code
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use actas::audit::Audit;
//! use actas::report::{Code, Finding};
//! use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
//!
//! let contest = Contest::new("c", vec![Candidate::new("A", "Ana")])?;
//! let mut set = ActaSet::new(contest, Geography::new(["x"])?);
//! set.push(ActaSheet::new(TableId::new("1")?).with_electors(100).with_voters(120).with_valid(120).with_votes([Some(120)]))?;
//! let report = Audit::new(&set).run()?;
//! let over: Vec<&Finding> = report.with_code(Code::MoreVotersThanElectors).collect();
//! let json = serde_json::to_string(&over).unwrap();
//! assert!(json.starts_with(r#"[{"code":"S002","severity":"error""#), "{json}");
//! assert!(json.contains(r#""numbers":{"voters":{"int":120},"electors":{"int":100}}"#), "{json}");
//! // A code read from a user: parsed, never compared as text.
//! let wanted: Code = "S002".parse()?;
//! assert_eq!(report.with_code(wanted).count(), 1);
//! # }
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # Totals by level, by place name
//!
//! ```
//! use actas::audit::totals_by_level;
//! use actas::io::{GeoLevel, Layout, read_csv};
//!
//! let layout = Layout::new("c", "table")
//!     .with_level(GeoLevel::new("state", "state").with_name("state_name"))
//!     .with_valid("valid")
//!     .with_candidate("A", "Ana", "A")
//!     .with_candidate("B", "Bo", "B");
//! let csv = "table,state,state_name,valid,A,B\n1,01,Norte,10,6,4\n2,02,Sur,10,3,7\n3,01,Norte,10,5,5\n";
//! let set = read_csv(csv.as_bytes(), &layout)?.set;
//! let states = totals_by_level(&set, 0)?;
//! let geo = set.geography();
//! let b = set.contest().candidate_index("B").unwrap();
//! let bo: Vec<(&str, u64)> = states
//!     .places
//!     .iter()
//!     .map(|(p, t)| (geo.node(*p).and_then(|n| n.name()).unwrap_or("?"), t.candidates[b].sum))
//!     .collect();
//! assert_eq!(bo, [("Norte", 9), ("Sur", 7)]);
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # The stream on a file larger than memory
//!
//! [`StreamAudit`](crate::audit::StreamAudit) reads the CSV once, a chunk of sheets at a time,
//! and gives the report the in-memory audit gives, with totals per place of one level:
//!
//! ```
//! use actas::audit::{StreamAudit, StreamOptions};
//! use actas::io::{GeoLevel, Layout};
//!
//! let layout = Layout::new("c", "table")
//!     .with_level(GeoLevel::new("state", "state"))
//!     .with_valid("valid")
//!     .with_candidate("A", "Ana", "A");
//! let path = std::env::temp_dir().join(format!("actas-cookbook-{}.csv", std::process::id()));
//! std::fs::write(&path, "table,state,valid,A\n1,01,10,10\n2,02,7,7\n")?;
//! let out = StreamAudit::new(&layout)
//!     .options(StreamOptions::default().with_chunk(1).with_level(0))
//!     .run_path(&path)?;
//! std::fs::remove_file(&path)?;
//! assert_eq!(out.read.accepted, 2);
//! assert_eq!(out.report.totals.valid.sum, 17);
//! assert_eq!(out.places.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # A risk-limiting audit that spans days
//!
//! Plan and draw on the first day, keep the state as JSON, evaluate when the sheets are in; a
//! sheet that cannot be found is declared lost (it counts as wrong as it can be):
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use actas::io::{Layout, read_csv};
//! use actas::rla::{BatchAudit, BatchAuditOptions, BoundBasis, Status};
//!
//! let layout = Layout::new("mayor", "table")
//!     .with_electors("electors")
//!     .with_voters("voters")
//!     .with_candidate("A", "Ana", "A")
//!     .with_candidate("B", "Bo", "B");
//! let mut report = String::from("table,electors,voters,A,B\n");
//! for t in 1..=300 {
//!     report.push_str(&format!("{t},400,300,170,110\n"));
//! }
//! let reported = read_csv(report.as_bytes(), &layout)?.set;
//! // Bounds from the electors: they hold even if a sheet shows more ballots than reported.
//! let options = BatchAuditOptions::new(0.05).with_basis(BoundBasis::Electors);
//! let audit = BatchAudit::plan(&reported, options)?;
//! let (audit, draws) = audit.draw(&reported, "31 41 59 26 53", audit.first_round())?;
//! let saved = serde_json::to_string(&audit).map_err(|e| e.to_string()).unwrap();
//!
//! // Another day: the state read back, every sheet in but the first drawn, which is lost.
//! let audit: BatchAudit = serde_json::from_str(&saved).map_err(|e| e.to_string()).unwrap();
//! let mut paper = String::from("table,electors,voters,A,B\n");
//! for d in &draws[1..] {
//!     paper.push_str(&format!("{},400,300,170,110\n", d.table));
//! }
//! let audited = read_csv(paper.as_bytes(), &layout)?.set;
//! let evaluation = audit.evaluate(&reported, &audited, &[draws[0].table.as_str()])?;
//! assert_eq!(evaluation.status, Status::FullCount);
//! # }
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # An error: what, where, why
//!
//! ```
//! use actas::ErrorKind;
//! use actas::io::{Layout, read_csv_path};
//!
//! let layout = Layout::new("c", "table").with_candidate("A", "Ana", "A");
//! let err = read_csv_path("no/such/file.csv", &layout).unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::Io);
//! assert_eq!(err.position().and_then(|p| p.path()).map(|p| p.to_str()), Some(Some("no/such/file.csv")));
//! let io = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<std::io::Error>());
//! assert_eq!(io.map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));
//! ```
//!
//! # An announcements file with a rule, shares only and a declared base
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use actas::{Announcements, Condition, OutcomeRule, PercentBase};
//!
//! let a: Announcements = actas::io::from_json(r#"{
//!   "rule": { "rule": "threshold_and_lead", "base": "valid",
//!             "conditions": [ { "at_least": "45" }, { "at_least": "40", "lead": "10" } ] },
//!   "register": { "tables": 1200, "electors": 900000 },
//!   "bulletins": [
//!     { "label": "TV 21:00", "coverage": { "printed": "85.30", "basis": "tables" },
//!       "counts": [ { "subject": "A", "percent": "48.12" }, { "subject": "B", "percent": "39.20" } ] },
//!     { "label": "official", "final": true, "base": "cast",
//!       "valid": 700000, "null": 20000, "blank": 10000,
//!       "counts": [ { "subject": "A", "count": 330000, "percent": "45.21" },
//!                   { "subject": "B", "count": 280000, "percent": "38.36" } ] }
//!   ]
//! }"#)?;
//! a.validate()?;
//! assert_eq!(a.rule, OutcomeRule::threshold_and_lead(PercentBase::Valid,
//!     [Condition::at_least(45), Condition::at_least(40).with_lead(10)]));
//! assert!(a.bulletins[0].shares_only());
//! // 330,000 of 730,000 ballots cast is 45.21%: the declared base reproduces the printed share.
//! let check = actas::audit::check_bulletin(&a.bulletins[1], None, None)?;
//! assert_eq!(check.percents[0].base, PercentBase::Cast);
//! assert!(!check.percents[0].reproduced_by.is_empty());
//! # }
//! # Ok::<(), actas::Error>(())
//! ```

//! A walk from a CSV of tally sheets to a verdict on an announced result.
//!
//! This module holds no code: it is the crate's guide, and every example in it runs as a test.
//!
//! # 1. Describe the file: a layout
//!
//! Each country publishes its sheets in its own shape. A [`Layout`](crate::io::Layout) says
//! which column holds what: the table key, the places, the counts, each candidate. Say the
//! authority published this file (Latin-1 is as common as UTF-8; here it is plain ASCII):
//!
//! ```text
//! state;centre;table;registered;voters;valid;null;ANA;BO
//! 01;0001;1;300;250;245;5;150;95
//! 01;0001;2;300;240;236;4;140;96
//! 02;0007;1;280;200;196;4;60;136
//! 02;0007;2;280;210;x;4;70;136
//! ```
//!
//! A table is the pair centre and table number; states hold centres. In code:
//!
//! ```
//! use actas::io::{GeoLevel, Key, Layout};
//!
//! let layout = Layout::new("mayor 2026", Key::columns(["centre", "table"]))
//!     .with_delimiter(';')
//!     .with_level(GeoLevel::new("state", "state"))
//!     .with_level(GeoLevel::new("centre", "centre"))
//!     .with_electors("registered")
//!     .with_voters("voters")
//!     .with_valid("valid")
//!     .with_null("null")
//!     .with_candidate("ANA", "Ana Pérez", "ANA")
//!     .with_candidate("BO", "Bo Díaz", "BO");
//! # let _ = layout;
//! ```
//!
//! The same layout can live in a JSON file next to the data, for people who do not write Rust
//! (`Layout::from_path`, feature `serde`); the `io` module documents every key.
//!
//! # 2. Read it, and look at what was not read
//!
//! [`read_csv`](crate::io::read_csv) (or [`read_csv_path`](crate::io::read_csv_path) for a file)
//! returns the sheets and a report on every row. A row that cannot be a sheet is not dropped
//! silently: it is listed with its line, column, raw value and reason. Look at it before
//! anything else: a verdict on partial data must say so.
//!
//! ```
//! # use actas::io::{GeoLevel, Key, Layout};
//! # let layout = Layout::new("mayor 2026", Key::columns(["centre", "table"])).with_delimiter(';')
//! #     .with_level(GeoLevel::new("state", "state")).with_level(GeoLevel::new("centre", "centre"))
//! #     .with_electors("registered").with_voters("voters").with_valid("valid").with_null("null")
//! #     .with_candidate("ANA", "Ana Pérez", "ANA").with_candidate("BO", "Bo Díaz", "BO");
//! use actas::io::read_csv;
//!
//! let csv = "state;centre;table;registered;voters;valid;null;ANA;BO
//! 01;0001;1;300;250;245;5;150;95
//! 01;0001;2;300;240;236;4;140;96
//! 02;0007;1;280;200;196;4;60;136
//! 02;0007;2;280;210;x;4;70;136
//! ";
//! let read = read_csv(csv.as_bytes(), &layout)?;
//! assert_eq!((read.report.rows_read, read.report.accepted), (4, 3));
//! assert_eq!(
//!     read.report.rejected[0].to_string(),
//!     r#"line 5, column valid: "x" is not a count"#
//! );
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # 3. Add up the sheets
//!
//! [`totals`](crate::audit::totals) adds every field over the tables (a table read twice counts
//! once); [`totals_by_level`](crate::audit::totals_by_level) does it per place.
//!
//! ```
//! # use actas::io::{GeoLevel, Key, Layout, read_csv};
//! # let layout = Layout::new("mayor 2026", Key::columns(["centre", "table"])).with_delimiter(';')
//! #     .with_level(GeoLevel::new("state", "state")).with_level(GeoLevel::new("centre", "centre"))
//! #     .with_electors("registered").with_voters("voters").with_valid("valid").with_null("null")
//! #     .with_candidate("ANA", "Ana Pérez", "ANA").with_candidate("BO", "Bo Díaz", "BO");
//! # let csv = "state;centre;table;registered;voters;valid;null;ANA;BO\n01;0001;1;300;250;245;5;150;95\n01;0001;2;300;240;236;4;140;96\n02;0007;1;280;200;196;4;60;136\n02;0007;2;280;210;x;4;70;136\n";
//! # let read = read_csv(csv.as_bytes(), &layout)?;
//! use actas::audit::{totals, totals_by_level};
//!
//! let t = totals(&read.set)?;
//! let ana = read.set.contest().candidate_index("ANA").unwrap();
//! assert_eq!((t.tables, t.candidates[ana].sum), (3, 350));
//! let states = totals_by_level(&read.set, 0)?;
//! let geo = read.set.geography();
//! let by_state: Vec<(&str, u64)> = states
//!     .places
//!     .iter()
//!     .map(|(place, t)| (geo.node(*place).unwrap().code(), t.candidates[ana].sum))
//!     .collect();
//! assert_eq!(by_state, [("01", 290), ("02", 60)]);
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! # 4. What was announced
//!
//! A [`Bulletin`](crate::Bulletin) holds the counts an authority announced, with what it says it
//! counted (a [`CoverageClaim`](crate::CoverageClaim): a printed share of the tables or of the
//! electors); a [`Register`](crate::Register) holds how many tables and electors there are.
//! Both can be read from a JSON announcements file
//! (`io::read_announcements`, feature `serde`).
//!
//! # 5. The audit and its verdict
//!
//! [`Audit`](crate::audit::Audit) runs every check that applies. Each finding has a stable code
//! (the table is in [`report`](crate::report)): `F001` and `F002` say an announced count is
//! impossible given the sheets, with how many sheets would have to be false; `R001` that the
//! counts are round percentages of their total; `O001` that the sheets settle the outcome.
//!
//! ```
//! # use actas::io::{GeoLevel, Key, Layout, read_csv};
//! # let layout = Layout::new("mayor 2026", Key::columns(["centre", "table"])).with_delimiter(';')
//! #     .with_level(GeoLevel::new("state", "state")).with_level(GeoLevel::new("centre", "centre"))
//! #     .with_electors("registered").with_voters("voters").with_valid("valid").with_null("null")
//! #     .with_candidate("ANA", "Ana Pérez", "ANA").with_candidate("BO", "Bo Díaz", "BO");
//! # let csv = "state;centre;table;registered;voters;valid;null;ANA;BO\n01;0001;1;300;250;245;5;150;95\n01;0001;2;300;240;236;4;140;96\n02;0007;1;280;200;196;4;60;136\n02;0007;2;280;210;x;4;70;136\n";
//! # let read = read_csv(csv.as_bytes(), &layout)?;
//! use actas::audit::Audit;
//! use actas::io::InputSummary;
//! use actas::report::Code;
//! use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Register};
//!
//! // Four tables; the authority says it counted 75% of them and gives Bo 700 votes.
//! let register = Register::new().with_tables(4).with_electors(1_160);
//! let bulletins = [Bulletin::new("first results", vec![
//!     BulletinCount::new("ANA", 300),
//!     BulletinCount::new("BO", 700),
//! ])
//! .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "75".parse()?))];
//! let mut report = Audit::new(&read.set).register(&register).bulletins(&bulletins).run()?;
//! report.add_input(InputSummary::new("sheets.csv", &read.report));
//!
//! // 75% of 4 tables is 3; one table has no sheet, so at least 2 of the 3 sheets are in the
//! // bulletin: Ana has at least 60 + 140 = 200, and 300 is possible. Bo has at most his three
//! // sheets (327) and every elector of the missing table (the register's 1,160 less the
//! // sheets' 880): 607, a bound on the safe side. 700 is not possible.
//! let f002: Vec<_> = report.with_code(Code::AnnouncedAboveSheets).collect();
//! assert_eq!(f002.len(), 1);
//! assert_eq!(f002[0].subject.to_string(), "first results, BO");
//! assert_eq!(f002[0].number("most_possible").and_then(|v| v.as_int()), Some(607));
//! let text = report.to_string();
//! assert!(text.starts_with("Audit of the sheets"));
//! assert!(text.contains("ROWS REJECTED"), "the report opens with the row it could not read");
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! The text report (`report.to_string()`) opens with the rows that were not read, then the
//! verdict of each bulletin, the most important findings, and every figure.
//! `AuditReport::to_json` (feature `serde`) gives the same as JSON, a
//! versioned format that `AuditReport::from_json`
//! reads back.
//!
//! # 6. Further
//!
//! - A second reading of the same tables (another transcription, a later publication):
//!   [`Audit::second_reading`](crate::audit::Audit::second_reading), findings `C001` to `C004`.
//! - A register of tables, to find sheets of unknown tables and electors that differ:
//!   [`read_table_register`](crate::io::read_table_register), `D003` to `D005`.
//! - Files larger than memory: [`StreamAudit`](crate::audit::StreamAudit) gives the same report
//!   from a CSV read once, a chunk at a time.
//! - Each check on its own: every function of [`audit`](crate::audit) returns its result type
//!   with a `findings()` method that gives what the audit would report for it.

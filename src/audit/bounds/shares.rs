//! Bounds of a share printed without a count: the range of shares any qualifying choice of
//! tables gives a subject, from [`ratio`](super::ratio)'s parametric search.

use rust_decimal::Decimal;

use super::ratio::{
    BySize, Extreme, Frac, Items, Method, Prepared, Units, extreme_fractional_in,
    value_at_fractional,
};
use super::sheets::Values;
use super::*;
use crate::model::{Percent, PercentBase};

/// The range of shares the sheets allow one subject of a bulletin that printed a share and no
/// count, and where the printed share stands.
///
/// The range is of exact shares, shown as percentages rounded outward (the least down, the
/// most up) to two decimals more than printed. The printed share stands for every exact share
/// that prints as it under half-up, half-even or truncation: from half a unit of its last digit
/// below to one unit above. Its verdict is [`Verdict::Within`] when that interval meets the
/// range.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ShareBound {
    /// The bulletin's subject (a candidate code or group).
    pub subject: String,
    /// The printed share.
    pub printed: Percent,
    /// What the share is of: the declared base, else the first base (valid, valid and null,
    /// cast, voters) whose range holds the printed share, else the first the sheets give.
    pub base: PercentBase,
    /// Whether the bulletin or the count declared that base.
    pub base_declared: bool,
    /// How the range was computed: exact for a share of tables (when what the uncollected tables
    /// hold is not relaxed), a relaxation that can only widen it otherwise.
    pub method: BoundMethod,
    /// The subject's share over all the collected sheets, half-up.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal::option"))]
    pub on_sheets: Option<Decimal>,
    /// The least share (percent, rounded down).
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal"))]
    pub least: Decimal,
    /// The greatest share (percent, rounded up), or `None` when unbounded: the register does not
    /// bound the uncollected tables, or some sheet has votes for the subject over a base of 0.
    #[cfg_attr(feature = "serde", serde(with = "crate::report::decimal::option"))]
    pub most: Option<Decimal>,
    /// Where the printed share stands.
    pub verdict: Verdict,
    /// At least how many collected sheets would have to be false for the printed share to be
    /// possible; `None` when no number is enough. A false sheet's table may hold any votes up to
    /// its electors.
    pub false_sheets: Option<u64>,
    /// Whether `false_sheets` is the exact minimum; it is a lower bound ("at least") here.
    pub false_sheets_exact: bool,
}

/// A share that could not be bounded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ShareNotBounded {
    /// The bulletin's subject.
    pub subject: String,
    /// Why, in one lowercase sentence.
    pub reason: String,
}

/// The bases tried, in order, when a share does not say its own.
const TRIED: [PercentBase; 4] = [
    PercentBase::Valid,
    PercentBase::ValidAndNull,
    PercentBase::Cast,
    PercentBase::Voters,
];

/// What the share bounds need of the bulletin's frame.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ShareFrame {
    /// A share of tables: the least and most sheets of `S` in the bulletin, the most tables it
    /// counted, the uncollected tables and their electors.
    Tables {
        k_lo: u64,
        k_hi: u64,
        n_hi: u64,
        uncollected: u64,
        uncollected_electors: Option<u64>,
    },
    /// A share of electors: the electors counted, and those of the uncollected tables.
    Electors {
        e_lo: u64,
        e_hi: u64,
        uncollected_electors: u64,
    },
}

impl ShareFrame {
    /// The frame of a finished count-bounds computation.
    pub(crate) fn of(f: &Feasibility) -> ShareFrame {
        match f.basis {
            CoverageBasis::Electors => ShareFrame::Electors {
                e_lo: f.counted.0,
                e_hi: f.counted.1,
                uncollected_electors: f.uncollected_electors.unwrap_or(0),
            },
            _ => ShareFrame::Tables {
                k_lo: f.from_sheets,
                k_hi: f.counted.1.min(f.sheets),
                n_hi: f.counted.1,
                uncollected: f.uncollected_tables.unwrap_or(0),
                uncollected_electors: f.uncollected_electors,
            },
        }
    }
}

/// The per-table figures of one share: the subject's votes (least, and most when a line is
/// absent: `Some(empty)` when some absent line has no electors to bound it), the base, the
/// electors.
struct Tables<'a> {
    low: &'a [u64],
    high: Option<&'a [u64]>,
    base: &'a [u64],
    electors: &'a [Option<u64>],
}

/// A field of every table (first readings), or `None` when some table lacks it: the column
/// as it is when no value is absent, else a table at a time.
fn field_values(set: &ActaSet, field: Field, keep: Option<&[usize]>) -> Option<Vec<u64>> {
    let col = set.column(field)?;
    if !col.has_absent() {
        let raw = col.raw();
        return Some(match keep {
            None => {
                let mut all = vec![0u64; raw.len()];
                raw.copy_to(&mut all);
                all
            }
            Some(keep) => keep.iter().map(|&i| u64::from(raw.at(i))).collect(),
        });
    }
    match keep {
        None => (0..set.len()).map(|i| col.get(i).map(u64::from)).collect(),
        Some(keep) => keep.iter().map(|&i| col.get(i).map(u64::from)).collect(),
    }
}

/// The base figure of every table (first readings), or `None` when some table lacks it. The
/// valid votes are the field, or, where it is absent, the sum of the lines when none is absent.
fn base_values(
    set: &ActaSet,
    base: PercentBase,
    keep: Option<&[usize]>,
    electors: &[Option<u64>],
) -> Option<Vec<u64>> {
    let add = |a: Option<Vec<u64>>, b: Option<Vec<u64>>| -> Option<Vec<u64>> {
        let (mut a, b) = (a?, b?);
        a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
        Some(a)
    };
    let valid = || -> Option<Vec<u64>> {
        field_values(set, Field::Valid, keep).or_else(|| {
            let at = |k: usize| keep.map_or(k, |keep| keep[k]);
            let n = keep.map_or(set.len(), <[usize]>::len);
            let valid = set.column(Field::Valid);
            let lines: Vec<&crate::model::column::OptColumn> = (0..set.contest().lines().len())
                .filter_map(|l| set.column(Field::Line(l)))
                .collect();
            (0..n)
                .map(|k| {
                    let i = at(k);
                    match valid.and_then(|c| c.get(i)) {
                        Some(v) => Some(u64::from(v)),
                        None => lines.iter().map(|c| c.get(i).map(u64::from)).sum(),
                    }
                })
                .collect()
        })
    };
    match base {
        PercentBase::Valid => valid(),
        PercentBase::ValidAndNull => add(valid(), field_values(set, Field::Null, keep)),
        PercentBase::Cast => add(
            add(valid(), field_values(set, Field::Null, keep)),
            field_values(set, Field::Blank, keep),
        ),
        PercentBase::Voters => field_values(set, Field::Voters, keep),
        PercentBase::Electors => electors.iter().copied().collect(),
    }
}

/// The bounds of every share printed without a count in `bulletin`, a subject per task.
pub(crate) fn share_bounds(
    set: &ActaSet,
    bulletin: &Bulletin,
    frame: ShareFrame,
    execution: crate::par::Execution,
) -> Result<(Vec<ShareBound>, Vec<ShareNotBounded>)> {
    let (electors, keep) = table_electors(set);
    let shares: Vec<(&crate::model::BulletinCount, Percent, Vec<usize>)> = bulletin
        .counts
        .iter()
        .filter_map(|c| {
            let (None, Some(printed)) = (c.count, c.percent) else {
                return None;
            };
            // An unknown subject is B007's.
            let members = resolve_subject(set.contest(), bulletin, &c.subject)?;
            Some((c, printed, members))
        })
        .collect();
    // Each base's figures, computed once, when a subject first needs them (an undeclared base
    // tries the next only when the first does not hold the printed share).
    let figures: Vec<(PercentBase, std::sync::OnceLock<Option<Vec<u64>>>)> = PercentBase::ALL
        .iter()
        .map(|b| (*b, std::sync::OnceLock::new()))
        .collect();
    let figures_of = |b: PercentBase| -> Option<&[u64]> {
        let (_, cell) = figures.iter().find(|(x, _)| *x == b)?;
        cell.get_or_init(|| base_values(set, b, keep.as_deref(), &electors))
            .as_deref()
    };
    let results: Vec<Result<std::result::Result<ShareBound, ShareNotBounded>>> =
        crate::par::map(execution, shares.len(), |k| {
            let (c, printed, members) = &shares[k];
            let values = Values::new(set, members, keep.as_deref(), &electors);
            let declared = c.base.or(bulletin.base);
            subject_bound(
                &c.subject,
                *printed,
                declared,
                &values.low,
                values.high.as_deref(),
                &figures_of,
                &electors,
                frame,
            )
        });
    collect(results)
}

/// The bounds and the shares without bounds, in order; the first error.
fn collect(
    results: Vec<Result<std::result::Result<ShareBound, ShareNotBounded>>>,
) -> Result<(Vec<ShareBound>, Vec<ShareNotBounded>)> {
    let mut bounds = Vec::new();
    let mut not_bounded = Vec::new();
    for r in results {
        match r? {
            Ok(b) => bounds.push(b),
            Err(n) => not_bounded.push(n),
        }
    }
    Ok((bounds, not_bounded))
}

/// The bound of one share from its tables' figures: the subject's votes (`high`, where a line
/// is absent, the most they could be), each base's figures (`figures_of`), the electors.
#[allow(clippy::too_many_arguments)]
fn subject_bound<'a>(
    subject: &str,
    printed: Percent,
    declared: Option<PercentBase>,
    low: &[u64],
    high: Option<&[Option<u64>]>,
    figures_of: &dyn Fn(PercentBase) -> Option<&'a [u64]>,
    electors: &[Option<u64>],
    frame: ShareFrame,
) -> Result<std::result::Result<ShareBound, ShareNotBounded>> {
    // An absent line without electors leaves the most unbounded: an empty list says so.
    let high: Option<Vec<u64>> = high.map(|h| {
        h.iter()
            .copied()
            .collect::<Option<Vec<u64>>>()
            .unwrap_or_default()
    });
    let mut shown: Option<ShareBound> = None;
    for base in declared.map_or(TRIED.to_vec(), |b| vec![b]) {
        let Some(base_figures) = figures_of(base) else {
            continue;
        };
        let tables = Tables {
            low,
            high: high.as_deref(),
            base: base_figures,
            electors,
        };
        let b = share_bound(subject, printed, base, declared.is_some(), &tables, frame)?;
        let within = b.verdict == Verdict::Within;
        if within || shown.is_none() {
            shown = Some(b);
        }
        if within {
            break;
        }
    }
    Ok(shown.ok_or_else(|| ShareNotBounded {
        subject: subject.to_owned(),
        reason: match declared {
            Some(b) => format!("some sheets lack the {b} figure the share is of"),
            None => "some sheets lack every figure a share may be of".to_owned(),
        },
    }))
}

/// The figures the shares of a stream's bulletins need, gathered a chunk at a time: the
/// electors and each base of every table, and each share subject's votes. Memory grows with the
/// tables (8 bytes per table for each share subject and each base): the ranges need every
/// table's figures.
#[derive(Debug, Default)]
pub(crate) struct ShareColumns {
    electors: Vec<Option<u64>>,
    /// Each base some share needs, with its figures while every table has them.
    bases: Vec<(PercentBase, Option<Vec<u64>>)>,
    /// Per bulletin, each share without a count: the count, its members, its declared base, its
    /// votes, and the most they could be where a line is absent (from the first such table).
    subjects: Vec<Vec<StreamShare>>,
}

#[derive(Debug)]
struct StreamShare {
    subject: String,
    printed: Percent,
    declared: Option<PercentBase>,
    members: Vec<usize>,
    low: Vec<u64>,
    high: Option<Vec<Option<u64>>>,
}

impl ShareColumns {
    /// The columns the shares of `bulletins` (those with a coverage claim) need.
    pub(crate) fn new(contest: &crate::Contest, bulletins: &[Bulletin]) -> Self {
        let mut bases: Vec<PercentBase> = Vec::new();
        let subjects = bulletins
            .iter()
            .map(|b| {
                if b.coverage_claim().is_none() {
                    return Vec::new();
                }
                b.counts
                    .iter()
                    .filter_map(|c| {
                        let (None, Some(printed)) = (c.count, c.percent) else {
                            return None;
                        };
                        let members = resolve_subject(contest, b, &c.subject)?;
                        let declared = c.base.or(b.base);
                        match declared {
                            Some(d) => bases.push(d),
                            None => bases.extend(TRIED),
                        }
                        Some(StreamShare {
                            subject: c.subject.clone(),
                            printed,
                            declared,
                            members,
                            low: Vec::new(),
                            high: None,
                        })
                    })
                    .collect()
            })
            .collect();
        bases.sort_unstable();
        bases.dedup();
        ShareColumns {
            electors: Vec::new(),
            bases: bases.into_iter().map(|b| (b, Some(Vec::new()))).collect(),
            subjects,
        }
    }

    /// Whether any share needs the figures.
    pub(crate) fn wanted(&self) -> bool {
        self.subjects.iter().any(|s| !s.is_empty())
    }

    /// Adds the tables of a chunk: `electors` and `keep` as [`table_electors`] gives them.
    pub(crate) fn add(
        &mut self,
        chunk: &ActaSet,
        electors: &[Option<u64>],
        keep: Option<&[usize]>,
    ) {
        if !self.wanted() {
            return;
        }
        let before = self.electors.len();
        self.electors.extend_from_slice(electors);
        for (base, figures) in &mut self.bases {
            if let Some(f) = figures {
                match base_values(chunk, *base, keep, electors) {
                    Some(v) => f.extend(v),
                    None => *figures = None,
                }
            }
        }
        for s in self.subjects.iter_mut().flatten() {
            let values = Values::new(chunk, &s.members, keep, electors);
            if let Some(h) = &values.high {
                let high = s
                    .high
                    .get_or_insert_with(|| s.low.iter().map(|v| Some(*v)).collect());
                high.extend_from_slice(h);
            } else if let Some(high) = &mut s.high {
                high.extend(values.low.iter().map(|v| Some(*v)));
            }
            s.low.extend_from_slice(&values.low);
            debug_assert_eq!(s.low.len(), before + electors.len());
        }
    }

    /// The bounds of bulletin `index`'s shares over the frame its count bounds found.
    pub(crate) fn bounds(
        &mut self,
        index: usize,
        frame: ShareFrame,
    ) -> Result<(Vec<ShareBound>, Vec<ShareNotBounded>)> {
        let subjects = std::mem::take(&mut self.subjects[index]);
        let bases = &self.bases;
        let figures_of = |b: PercentBase| -> Option<&[u64]> {
            bases.iter().find(|(x, _)| *x == b)?.1.as_deref()
        };
        let results = subjects
            .iter()
            .map(|s| {
                subject_bound(
                    &s.subject,
                    s.printed,
                    s.declared,
                    &s.low,
                    s.high.as_deref(),
                    &figures_of,
                    &self.electors,
                    frame,
                )
            })
            .collect();
        collect(results)
    }
}

/// The least and most share over the frame's family, of votes `x` over `d`.
fn range(
    low: Items<'_>,
    high: Option<Items<'_>>,
    electors: &[Option<u64>],
    frame: ShareFrame,
) -> Result<Option<(Frac, Option<Frac>)>> {
    match frame {
        ShareFrame::Tables { .. } => {
            let (families_lo, families_hi) = tables_families(frame, low.len());
            // Prepared once for both ends when the most votes are the least (no absent line).
            let low_p = Prepared::new(low, Method::Auto);
            let high_own = high
                .filter(|h| !std::ptr::eq(h.x.as_ptr(), low.x.as_ptr()))
                .map(|h| Prepared::new(h, Method::Auto));
            let high_p = high_own.as_ref().unwrap_or(&low_p);
            let families_lo = reduce(families_lo, low_p.consistent());
            let families_hi = match high {
                Some(_) => reduce(families_hi, high_p.consistent()),
                None => families_hi,
            };
            let mut least: Option<Frac> = None;
            for f in families_lo {
                match f {
                    None => least = Some(Frac::ZERO), // an unbounded base outside the sheets
                    Some(f) => {
                        if let Some(r) = low_p.extreme(f, Extreme::Least)? {
                            least = Some(match least {
                                Some(l) if l.cmp_exact(r)?.is_le() => l,
                                _ => r,
                            });
                        }
                    }
                }
            }
            let Some(least) = least else {
                return Ok(None);
            };
            let mut most: Option<Option<Frac>> = Some(None);
            match high {
                None => most = None,
                Some(_) => {
                    for f in families_hi {
                        let r = match f {
                            None => None,
                            Some(f) => high_p.extreme(f, Extreme::Most)?,
                        };
                        most = match (most, r) {
                            (None, _) | (_, None) => None,
                            (Some(None), Some(r)) => Some(Some(r)),
                            (Some(Some(m)), Some(r)) => {
                                Some(Some(if m.cmp_exact(r)?.is_ge() { m } else { r }))
                            }
                        };
                        if most.is_none() {
                            break;
                        }
                    }
                }
            }
            Ok(Some((least, most.flatten())))
        }
        ShareFrame::Electors {
            e_lo,
            e_hi,
            uncollected_electors,
        } => {
            let u = uncollected_electors;
            let (lo, hi) = (u128::from(e_lo), u128::from(e_hi));
            let Some(items) = weighted(low, electors, Extreme::Least, u) else {
                return Ok(None);
            };
            // One set of buffers for both ends.
            let mut buf = Units::default();
            let Some(least) = extreme_fractional_in(&items, lo, hi, Extreme::Least, &mut buf)?
            else {
                return Ok(None);
            };
            let most = match high.and_then(|h| weighted(h, electors, Extreme::Most, u)) {
                Some(items) => extreme_fractional_in(&items, lo, hi, Extreme::Most, &mut buf)?,
                None => None,
            };
            Ok(Some((least, most)))
        }
    }
}

/// The items of a share of electors: each table's votes, base and electors (`None` when some
/// table lacks electors), and the `u` uncollected electors, voting (for the subject at the most
/// end, for others at the least) or not voting.
fn weighted(
    items: Items<'_>,
    electors: &[Option<u64>],
    end: Extreme,
    u: u64,
) -> Option<Vec<(u64, u64, u64)>> {
    let mut v: Vec<(u64, u64, u64)> = items
        .iter()
        .zip(electors)
        .map(|((x, d), e)| Some((x, d, (*e)?)))
        .collect::<Option<_>>()?;
    if u > 0 {
        let voting = if end == Extreme::Least { 0 } else { u };
        v.push((voting, u, u));
        v.push((0, 0, u));
    }
    Some(v)
}

/// The families of a share of tables reduced to the one that holds both ends, when every table's
/// votes are within its base and at least one sheet is in the bulletin: the least share is then
/// never above with fewer sheets (dropping the sheet of the greatest share does not raise the
/// share of the rest, uncollected base included) and is lowest with the uncollected tables'
/// electors in the base; the greatest likewise with the fewest sheets and the uncollected
/// electors all for the subject. One search instead of up to two, each of the smallest size.
fn reduce(families: Vec<Option<BySize>>, consistent: bool) -> Vec<Option<BySize>> {
    match families.last() {
        Some(Some(f)) if consistent && f.a >= 1 => vec![Some(BySize { b: f.a, ..*f })],
        _ => families,
    }
}

/// The families of sheet subsets of a share of tables: for the least and for the most. `None`
/// stands for a family whose uncollected tables are unbounded (their electors unknown); a share
/// of electors has none.
#[allow(clippy::type_complexity)]
fn tables_families(frame: ShareFrame, sheets: usize) -> (Vec<Option<BySize>>, Vec<Option<BySize>>) {
    let ShareFrame::Tables {
        k_lo,
        k_hi,
        n_hi,
        uncollected,
        uncollected_electors,
    } = frame
    else {
        return (Vec::new(), Vec::new());
    };
    let to = |k: u64| usize::try_from(k).unwrap_or(usize::MAX).min(sheets);
    let (a, b) = (to(k_lo), to(k_hi).max(to(k_lo)));
    // Without uncollected tables in the bulletin (or with some that hold nothing).
    let mut lo = vec![Some(BySize {
        a,
        b,
        extra: (0, 0),
    })];
    let mut hi = lo.clone();
    // With at least one: at most n_hi − 1 sheets.
    if uncollected > 0 && n_hi > 0 && k_lo < n_hi {
        let b1 = to(k_hi.min(n_hi - 1)).max(a);
        if let Some(e) = uncollected_electors {
            let e = u128::from(e);
            lo.push(Some(BySize {
                a,
                b: b1,
                extra: (0, e),
            }));
            hi.push(Some(BySize {
                a,
                b: b1,
                extra: (e, e),
            }));
        } else {
            lo.push(None);
            hi.push(None);
        }
    }
    (lo, hi)
}

/// A printed share's interval `[p − ½u, p + u]` as fractions of 1, `u` a unit of its last digit.
fn printed_edges(printed: Percent) -> (Frac, Frac) {
    let m = u128::try_from(printed.value().mantissa()).unwrap_or(0);
    let unit = 100 * 10u128.pow(printed.scale());
    (
        Frac {
            num: (2 * m).saturating_sub(1),
            den: 2 * unit,
        },
        Frac {
            num: m + 1,
            den: unit,
        },
    )
}

/// How a fraction is shown as a percentage.
#[derive(Clone, Copy)]
enum Round {
    Down,
    Up,
    HalfUp,
}

/// A fraction of 1 as a percentage at `scale`.
fn percent(f: Frac, scale: u32, round: Round) -> Result<Decimal> {
    let ov = || Error::overflow("a share as a percentage");
    let n = f.num.checked_mul(100 * 10u128.pow(scale)).ok_or_else(ov)?;
    let v = match round {
        Round::Down => n / f.den,
        Round::Up => n.div_ceil(f.den),
        Round::HalfUp => (n / f.den) + u128::from(2 * (n % f.den) >= f.den),
    };
    let v = i128::try_from(v).map_err(|_| ov())?;
    Decimal::try_from_i128_with_scale(v, scale).map_err(|_| ov())
}

fn share_bound(
    subject: &str,
    printed: Percent,
    base: PercentBase,
    base_declared: bool,
    t: &Tables<'_>,
    frame: ShareFrame,
) -> Result<ShareBound> {
    let low = Items::new(t.low, t.base);
    // The most votes: the least when no line is absent, none when an absent line has no
    // electors to bound it.
    let unbounded = t.high.is_some_and(|h| h.is_empty() && !t.low.is_empty());
    let high: Option<Items<'_>> = (!unbounded).then(|| Items::new(t.high.unwrap_or(t.low), t.base));
    let scale = printed.scale() + 2;
    let (sx, sd): (u128, u128) = low.iter().fold((0, 0), |(a, b), (x, d)| {
        (a + u128::from(x), b + u128::from(d))
    });
    let on_sheets = (sd > 0)
        .then(|| percent(Frac { num: sx, den: sd }, scale, Round::HalfUp))
        .transpose()?;
    let method = match frame {
        ShareFrame::Electors { .. } => BoundMethod::FractionalRelaxation,
        ShareFrame::Tables { uncollected, .. }
            if base == PercentBase::Electors && uncollected > 0 =>
        {
            BoundMethod::Widened
        }
        ShareFrame::Tables { .. } => BoundMethod::Exact,
    };
    let Some((least, most)) = range(low, high, t.electors, frame)? else {
        // No choice of tables has a base above 0: every share is as possible as any other.
        return Ok(ShareBound {
            subject: subject.to_owned(),
            printed,
            base,
            base_declared,
            method,
            on_sheets,
            least: Decimal::ZERO,
            most: None,
            verdict: Verdict::Within,
            false_sheets: Some(0),
            false_sheets_exact: true,
        });
    };
    let (lo_edge, hi_edge) = printed_edges(printed);
    let (verdict, false_sheets) = if hi_edge.cmp_exact(least)?.is_lt() {
        (
            Verdict::Below,
            false_sheets_for(low, t.electors, hi_edge, frame, Extreme::Least)?,
        )
    } else if most
        .map(|m| lo_edge.cmp_exact(m))
        .transpose()?
        .is_some_and(std::cmp::Ordering::is_gt)
    {
        let high = high.unwrap_or(low);
        (
            Verdict::Above,
            false_sheets_for(high, t.electors, lo_edge, frame, Extreme::Most)?,
        )
    } else {
        (Verdict::Within, Some(0))
    };
    Ok(ShareBound {
        subject: subject.to_owned(),
        printed,
        base,
        base_declared,
        method,
        on_sheets,
        least: percent(least, scale, Round::Down)?,
        most: most.map(|m| percent(m, scale, Round::Up)).transpose()?,
        verdict,
        false_sheets,
        false_sheets_exact: verdict == Verdict::Within,
    })
}

/// At least how many sheets must be false for some choice of tables to reach `edge`: the best
/// value of the family at `edge` is at least what `k` false sheets can change (each the most
/// its table's electors allow), so the least `k` whose largest changes cover it is a lower bound.
fn false_sheets_for(
    items: Items<'_>,
    electors: &[Option<u64>],
    edge: Frac,
    frame: ShareFrame,
    end: Extreme,
) -> Result<Option<u64>> {
    let (p, q) = (edge.num, edge.den);
    let ov = || Error::overflow("the false sheets of a share");
    // The best value at the edge, and its scale.
    let (need, scale): (i128, u128) = match frame {
        ShareFrame::Tables { .. } => {
            let (lo, hi) = tables_families(frame, items.len());
            let families = if end == Extreme::Least { lo } else { hi };
            let prepared = Prepared::new(items, Method::Auto);
            let mut best: Option<i128> = None;
            for f in families {
                let Some(f) = f else {
                    return Ok(Some(0));
                };
                let v = prepared.value_at(f, edge, end)?;
                best = Some(best.map_or(v, |b| b.min(v)));
            }
            (best.unwrap_or(0), 1)
        }
        ShareFrame::Electors {
            e_lo,
            e_hi,
            uncollected_electors: u,
        } => {
            let Some(v) = weighted(items, electors, end, u) else {
                return Ok(Some(1));
            };
            value_at_fractional(&v, u128::from(e_lo), u128::from(e_hi), edge, end)?
        }
    };
    if need <= 0 {
        return Ok(Some(0));
    }
    // What each sheet can change, at the edge's scale: a false sheet's table may hold from
    // nothing to every elector for the subject, over a base up to its electors.
    let mut changes: Vec<u128> = Vec::with_capacity(items.len());
    for ((x, d), e) in items.iter().zip(electors) {
        let Some(e) = e else {
            return Ok(Some(1)); // no electors: a false sheet may hide anything
        };
        let e = i128::from((*e).max(d));
        let (x, d) = (i128::from(x), i128::from(d));
        let (p, q) = (
            i128::try_from(p).map_err(|_| ov())?,
            i128::try_from(q).map_err(|_| ov())?,
        );
        let change = match end {
            // From x q − p d to 0 − p e.
            Extreme::Least => x
                .checked_mul(q)
                .and_then(|a| a.checked_add(p.checked_mul(e - d)?)),
            // From p d − x q to p e − e q: p (d − e) + q (e − x), never negative where
            // x ≤ d ≤ e.
            Extreme::Most => p
                .checked_mul(d - e)
                .and_then(|a| a.checked_add(q.checked_mul(e - x)?)),
        }
        .ok_or_else(ov)?;
        let change = u128::try_from(change.max(0)).unwrap_or(0);
        changes.push(change.checked_mul(scale).ok_or_else(ov)?);
    }
    changes.sort_unstable_by(|a, b| b.cmp(a));
    let need = need.unsigned_abs();
    let mut reach = 0u128;
    for (k, c) in changes.iter().enumerate() {
        if *c == 0 {
            break;
        }
        reach = reach.saturating_add(*c);
        if reach >= need {
            return Ok(Some(k as u64 + 1));
        }
    }
    Ok(None)
}

impl ShareBound {
    /// The finding for a share outside its range: `F005` below, `F006` above.
    pub(crate) fn finding(&self, label: &str) -> Option<Finding> {
        let (code, what) = match self.verdict {
            Verdict::Below => (
                Code::ShareBelowSheets,
                "the printed share is below what any qualifying choice of tables gives",
            ),
            Verdict::Above => (
                Code::ShareAboveSheets,
                "the printed share is above what any qualifying choice of tables gives",
            ),
            _ => return None,
        };
        let what = match self.false_sheets {
            Some(_) => what.to_owned(),
            None => format!("{what}; no number of false sheets explains it"),
        };
        let mut f = Finding::new(
            code,
            Subject::BulletinCount {
                label: label.to_owned(),
                subject: self.subject.clone(),
            },
            what,
        )
        .with("printed", self.printed.value())
        .with("least_possible", self.least);
        if let Some(m) = self.most {
            f = f.with("most_possible", m);
        }
        f = f.with("base", self.base.name());
        if let Some(k) = self.false_sheets {
            f = f.with("false_sheets", k);
        }
        Some(f.with("false_sheets_exact", self.false_sheets_exact))
    }
}

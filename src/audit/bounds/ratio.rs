//! The least and greatest ratio of two sums over a family of subsets: Dinkelbach's parametric
//! method, exact in integers.
//!
//! A share is a ratio `(Σ x) / (Σ d)` over the tables a bulletin counted. Its least value over
//! the subsets `T` of a family is the `λ` at which `g(λ) = min_T Σ_T (x − λ d)` reaches 0:
//! `g` is decreasing, and `g(λ) < 0` exactly when some subset has a ratio below `λ`.
//! Dinkelbach's method starts from a `λ` above every ratio, takes the subset `T*` that attains
//! `g(λ)`, and moves `λ` to `T*`'s ratio; each step is a selection (`O(n)`), the ratios strictly
//! decrease and there are finitely many subsets, so it ends, in practice after a handful of steps,
//! on the exact least ratio. The greatest is the same with the signs turned.
//!
//! Two families: subsets whose size lies in `[a, b]` (a share of tables), and fractional subsets
//! whose weight (electors) lies in `[lo, hi]` (a share of electors: a relaxation, so its range
//! contains every whole subset's ratio). Each may hold a fixed extra part `(cx, cd)` (the
//! uncollected tables).

use std::cmp::Ordering;

use crate::error::{Error, Result};

/// A non-negative fraction `num / den`, `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frac {
    pub num: u128,
    pub den: u128,
}

impl Frac {
    pub(crate) const ZERO: Frac = Frac { num: 0, den: 1 };

    /// Compares with `other` exactly.
    ///
    /// # Errors
    ///
    /// Overflow when the cross products do not fit a `u128`.
    pub(crate) fn cmp_exact(self, other: Frac) -> Result<Ordering> {
        let a = self.num.checked_mul(other.den);
        let b = other.num.checked_mul(self.den);
        match (a, b) {
            (Some(a), Some(b)) => Ok(a.cmp(&b)),
            _ => Err(Error::overflow("comparing two shares")),
        }
    }
}

/// Tables as two columns: the subject's votes `x` and the share's base `d`, of equal length.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Items<'a> {
    pub x: &'a [u64],
    pub d: &'a [u64],
}

impl<'a> Items<'a> {
    pub(crate) fn new(x: &'a [u64], d: &'a [u64]) -> Self {
        debug_assert_eq!(x.len(), d.len());
        Items { x, d }
    }

    pub(crate) fn len(self) -> usize {
        self.x.len()
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = (u64, u64)> + 'a {
        self.x.iter().copied().zip(self.d.iter().copied())
    }
}

/// Which end of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extreme {
    Least,
    Most,
}

/// Subsets whose size lies in `[a, b]`, with a fixed extra part `(cx, cd)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BySize {
    pub a: usize,
    pub b: usize,
    pub extra: (u128, u128),
}

const STEPS: usize = 10_000;

fn overflow() -> Error {
    Error::overflow("the parametric search of a share's range")
}

/// `x q − p d` (least) or `p d − x q` (most): the value to minimise at `λ = p / q`.
#[inline]
fn key(x: u128, d: u128, p: u128, q: u128, end: Extreme) -> Option<i128> {
    let xq = i128::try_from(x.checked_mul(q)?).ok()?;
    let pd = i128::try_from(p.checked_mul(d)?).ok()?;
    Some(match end {
        Extreme::Least => xq - pd,
        Extreme::Most => pd - xq,
    })
}

/// [`key`] for the sums of a subset or the extra part.
pub(crate) fn extra_key(x: u128, d: u128, p: u128, q: u128, end: Extreme) -> Option<i128> {
    key(x, d, p, q, end)
}

/// The integer type of the keys: `i64` when `λ`'s terms are small enough (the common case,
/// about twice as fast to select), else `i128`.
trait Key: Copy + Ord + Into<i128> {
    const ZERO: Self;
    /// The key of `(x, d)` at `λ = p / q`, `None` on overflow of the type.
    fn of(x: u64, d: u64, p: u128, q: u128, end: Extreme) -> Option<Self>;
}

impl Key for i64 {
    const ZERO: i64 = 0;
    #[inline]
    fn of(x: u64, d: u64, p: u128, q: u128, end: Extreme) -> Option<i64> {
        let (p, q) = (i64::try_from(p).ok()?, i64::try_from(q).ok()?);
        let xq = i64::try_from(x).ok()?.checked_mul(q)?;
        let pd = p.checked_mul(i64::try_from(d).ok()?)?;
        Some(match end {
            Extreme::Least => xq - pd,
            Extreme::Most => pd - xq,
        })
    }
}

impl Key for i128 {
    const ZERO: i128 = 0;
    #[inline]
    fn of(x: u64, d: u64, p: u128, q: u128, end: Extreme) -> Option<i128> {
        key(u128::from(x), u128::from(d), p, q, end)
    }
}

/// Buffers of a search, kept between its steps: the keys in item order, a copy to select in,
/// and which items the last best subset holds.
struct Buffers<K> {
    keys: Vec<K>,
    scratch: Vec<K>,
    taken: Vec<bool>,
}

impl<K> Default for Buffers<K> {
    fn default() -> Self {
        Buffers {
            keys: Vec::new(),
            scratch: Vec::new(),
            taken: Vec::new(),
        }
    }
}

/// The best subset of the family at `λ = p / q`: the least total key, with its sums of `x` and
/// `d` (extra part included); `buf.taken` marks it. `None` when a key overflows `K`.
fn best_sized<K: Key>(
    items: Items<'_>,
    family: BySize,
    p: u128,
    q: u128,
    end: Extreme,
    buf: &mut Buffers<K>,
) -> Result<Option<(i128, u128, u128)>> {
    buf.keys.clear();
    let mut negative = 0usize;
    for (x, d) in items.iter() {
        let Some(k) = K::of(x, d, p, q, end) else {
            return Ok(None);
        };
        negative += usize::from(k < K::ZERO);
        buf.keys.push(k);
    }
    let (cx, cd) = family.extra;
    let mut value = key(cx, cd, p, q, end).ok_or_else(overflow)?;
    let (mut sx, mut sd) = (cx, cd);
    buf.taken.clear();
    buf.taken.resize(items.len(), false);
    // Every negative key helps, within the sizes allowed.
    let k = negative.clamp(family.a, family.b).min(items.len());
    if k == 0 {
        return Ok(Some((value, sx, sd)));
    }
    // The k-th least key `t`: every key below it is taken, and as many equal to it as fill k.
    buf.scratch.clear();
    buf.scratch.extend_from_slice(&buf.keys);
    let (_, &mut t, _) = buf.scratch.select_nth_unstable(k - 1);
    let below = buf.scratch[..k - 1].iter().filter(|v| **v < t).count();
    let mut ties = k - below;
    let mut total: i128 = 0;
    for (((x, d), &kv), taken) in items.iter().zip(&buf.keys).zip(&mut buf.taken) {
        let take = kv < t || (kv == t && ties > 0);
        if kv == t && take {
            ties -= 1;
        }
        if take {
            *taken = true;
            total += kv.into();
            sx += u128::from(x);
            sd += u128::from(d);
        }
    }
    value = value.checked_add(total).ok_or_else(overflow)?;
    Ok(Some((value, sx, sd)))
}

/// Whether the subset `buf.taken` is a best one of the family at `λ = p / q`: every key in it
/// at most every key outside, no helpful (negative) key left out while it is under `b`, no
/// unhelpful (positive) one in while it is over `a`. One pass, no selection: when it holds,
/// Dinkelbach's method may stop at `λ`. `None` when a key overflows `K`.
fn is_best<K: Key>(
    items: Items<'_>,
    family: BySize,
    p: u128,
    q: u128,
    end: Extreme,
    buf: &Buffers<K>,
) -> Option<bool> {
    let (mut max_in, mut min_out): (Option<K>, Option<K>) = (None, None);
    let mut size = 0usize;
    for ((x, d), &taken) in items.iter().zip(&buf.taken) {
        let k = K::of(x, d, p, q, end)?;
        if taken {
            size += 1;
            max_in = Some(max_in.map_or(k, |m| m.max(k)));
        } else {
            min_out = Some(min_out.map_or(k, |m| m.min(k)));
        }
    }
    let ordered = match (max_in, min_out) {
        (Some(a), Some(b)) => a <= b,
        _ => true,
    };
    let full = size >= family.b || min_out.is_none_or(|m| m >= K::ZERO);
    let lean = size <= family.a || max_in.is_none_or(|m| m <= K::ZERO);
    Some(ordered && full && lean)
}

/// One step of Dinkelbach's method over a family of subsets, and the check that ends it.
pub(crate) trait Stepper {
    /// The best subset at `λ = p / q`: its total key (extra part included) and its sums of `x`
    /// and `d`; the stepper remembers it.
    fn best(&mut self, p: u128, q: u128) -> Result<(i128, u128, u128)>;
    /// Whether the subset last found is a best one at `λ = p / q`.
    fn is_best(&mut self, p: u128, q: u128) -> bool;
}

/// The stepper that selects among every item (any values).
struct Selecting<'a> {
    items: Items<'a>,
    family: BySize,
    end: Extreme,
    small: Buffers<i64>,
    wide: Buffers<i128>,
    small_used: bool,
}

impl Stepper for Selecting<'_> {
    fn best(&mut self, p: u128, q: u128) -> Result<(i128, u128, u128)> {
        let (items, family, end) = (self.items, self.family, self.end);
        if let Some(b) = best_sized(items, family, p, q, end, &mut self.small)? {
            self.small_used = true;
            return Ok(b);
        }
        self.small_used = false;
        best_sized(items, family, p, q, end, &mut self.wide)?.ok_or_else(overflow)
    }

    fn is_best(&mut self, p: u128, q: u128) -> bool {
        let (items, family, end) = (self.items, self.family, self.end);
        let best = if self.small_used {
            is_best(items, family, p, q, end, &self.small)
        } else {
            is_best(items, family, p, q, end, &self.wide)
        };
        best == Some(true)
    }
}

/// How a search steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Grouped when the items allow it (see `groups`), else selecting.
    Auto,
    /// A selection among every item at every step.
    #[cfg(test)]
    Select,
    /// Grouped whenever the values allow it, however many the groups.
    #[cfg(test)]
    Group,
}

/// Items ready for searches of both ends and any family: their sums, and their groups when
/// [`Grouped`](super::groups::Grouped) can hold them.
pub(crate) struct Prepared<'a> {
    items: Items<'a>,
    all: (u128, u128),
    /// Whether every item's `x` is at most its `d` (votes within their base).
    consistent: bool,
    grouped: Option<super::groups::Grouped>,
}

impl<'a> Prepared<'a> {
    /// `items` prepared for searches stepping as `method` says.
    pub(crate) fn new(items: Items<'a>, method: Method) -> Self {
        // One pass for the sums and the largest values.
        let (mut all, mut max, mut consistent) = ((0u128, 0u128), (0u64, 0u64), true);
        for (x, d) in items.iter() {
            all = (all.0 + u128::from(x), all.1 + u128::from(d));
            max = (max.0.max(x), max.1.max(d));
            consistent &= x <= d;
        }
        let grouped = match method {
            Method::Auto => super::groups::Grouped::new(items, max, false),
            #[cfg(test)]
            Method::Select => None,
            #[cfg(test)]
            Method::Group => super::groups::Grouped::new(items, max, true),
        };
        Prepared {
            items,
            all,
            consistent,
            grouped,
        }
    }

    /// Whether every item's votes are within its base.
    pub(crate) fn consistent(&self) -> bool {
        self.consistent
    }

    /// The least or greatest of `(Σ_T x + cx) / (Σ_T d + cd)` over the subsets `T` of the items
    /// whose size lies in `[a, b]` (`a ≤ items.len()`, `a ≤ b`).
    ///
    /// `None` for the least when no subset has a positive denominator (no share is defined);
    /// for the greatest, also when a subset with votes and a zero denominator makes it
    /// unbounded.
    pub(crate) fn extreme(&self, family: BySize, end: Extreme) -> Result<Option<Frac>> {
        debug_assert!(family.a <= family.b && family.a <= self.items.len());
        let all = (self.all.0 + family.extra.0, self.all.1 + family.extra.1);
        // Near: the ratio of every item with the extra part. Far: above every ratio (the sum
        // of every x, plus one), or 0.
        let near = (all.1 > 0).then_some(Frac {
            num: all.0,
            den: all.1,
        });
        let far = match end {
            Extreme::Least => Frac {
                num: all.0 + 1,
                den: 1,
            },
            Extreme::Most => Frac::ZERO,
        };
        match &self.grouped {
            Some(g) => dinkelbach(&mut g.stepper(family, end), near, far, end),
            None => dinkelbach(&mut self.selecting(family, end), near, far, end),
        }
    }

    /// The best value of the family at a fixed `λ`: `min_T Σ key`, whose sign says whether some
    /// subset has a ratio below `λ` (for the least) or above it (for the most). Its scale is
    /// `λ`'s denominator.
    pub(crate) fn value_at(&self, family: BySize, lambda: Frac, end: Extreme) -> Result<i128> {
        let (p, q) = (lambda.num, lambda.den);
        Ok(match &self.grouped {
            Some(g) => g.stepper(family, end).best(p, q)?.0,
            None => self.selecting(family, end).best(p, q)?.0,
        })
    }

    fn selecting(&self, family: BySize, end: Extreme) -> Selecting<'a> {
        Selecting {
            items: self.items,
            family,
            end,
            small: Buffers::default(),
            wide: Buffers::default(),
            small_used: true,
        }
    }
}

/// The least or greatest ratio over a family, preparing `items` for this one search.
#[cfg(test)]
pub(crate) fn extreme_sized_by(
    items: &[(u64, u64)],
    family: BySize,
    end: Extreme,
    method: Method,
) -> Result<Option<Frac>> {
    let (x, d): (Vec<u64>, Vec<u64>) = items.iter().copied().unzip();
    Prepared::new(Items::new(&x, &d), method).extreme(family, end)
}

/// Dinkelbach's method with `stepper`, from `near` (a ratio close to the answer, when known)
/// and else from `far` (a λ no subset beats the other way: above every ratio of a subset with a
/// positive denominator for the least, 0 for the most), which makes no assumption.
fn dinkelbach(
    stepper: &mut dyn Stepper,
    near: Option<Frac>,
    far: Frac,
    end: Extreme,
) -> Result<Option<Frac>> {
    let starts: Vec<Frac> = near.into_iter().chain([far]).collect();
    for (s, start) in starts.iter().enumerate() {
        let near = s + 1 < starts.len();
        let mut lambda = *start;
        for step in 0..STEPS {
            let (value, sx, sd) = stepper.best(lambda.num, lambda.den)?;
            if value >= 0 {
                if step == 0 && near {
                    break; // no subset beats the near start: it is no answer; from far
                }
                // No subset beats λ. At the first step of the least from far, λ is no subset's
                // ratio: no subset has a positive denominator.
                return Ok((step > 0 || end == Extreme::Most).then_some(lambda));
            }
            if sd == 0 {
                // Votes over a zero base: no greatest share.
                return Ok(None);
            }
            lambda = Frac { num: sx, den: sd };
            // The subset just found may already be a best one at its own ratio: then that
            // ratio is the answer, without another step.
            if stepper.is_best(sx, sd) {
                return Ok(Some(lambda));
            }
        }
        if !near {
            break;
        }
    }
    Err(overflow())
}

/// Fractional subsets of `(x, d, w)` items: `t_i ∈ [0, 1]` with `lo ≤ Σ t_i w_i ≤ hi`.
pub(crate) fn extreme_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    end: Extreme,
) -> Result<Option<Frac>> {
    let total_w: u128 = items.iter().map(|i| u128::from(i.2)).sum();
    if lo > hi || lo > total_w {
        return Ok(None);
    }
    // Above the least ratio: a part of an item is at least 1 / w of it, so a positive
    // denominator is at least 1 / (the largest weight).
    let (mut all, mut widest) = ((0u128, 0u128), 1u128);
    for &(x, d, w) in items {
        all = (all.0 + u128::from(x), all.1 + u128::from(d));
        widest = widest.max(u128::from(w));
    }
    let far = match end {
        Extreme::Least => Frac {
            num: (all.0 + 1).checked_mul(widest).ok_or_else(overflow)?,
            den: 1,
        },
        Extreme::Most => Frac::ZERO,
    };
    let near = (all.1 > 0).then_some(Frac {
        num: all.0,
        den: all.1,
    });
    let mut stepper = Fractional {
        items,
        lo,
        hi,
        end,
        order: Vec::with_capacity(items.len()),
    };
    dinkelbach(&mut stepper, near, far, end)
}

/// The stepper of the fractional family (no cheap check of a best subset: each step selects).
struct Fractional<'a> {
    items: &'a [(u64, u64, u64)],
    lo: u128,
    hi: u128,
    end: Extreme,
    order: Vec<(i128, u64, u64, u64)>,
}

impl Stepper for Fractional<'_> {
    fn best(&mut self, p: u128, q: u128) -> Result<(i128, u128, u128)> {
        let lambda = Frac { num: p, den: q };
        let (value, sx, sd, _) = best_fractional(
            self.items,
            self.lo,
            self.hi,
            lambda,
            self.end,
            &mut self.order,
        )?;
        Ok((value, sx, sd))
    }

    fn is_best(&mut self, _p: u128, _q: u128) -> bool {
        false
    }
}

/// The fractional greedy at `λ`: items by key per unit of weight, ascending; negative keys taken
/// up to `hi`, then the rest until `lo`. Returns the total key's sign-carrying numerator and
/// the sums of `x` and `d`, all over the same denominator (the weight of the item taken in
/// part, or 1), and that denominator.
fn best_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    lambda: Frac,
    end: Extreme,
    order: &mut Vec<(i128, u64, u64, u64)>,
) -> Result<(i128, u128, u128, u128)> {
    let (p, q) = (lambda.num, lambda.den);
    order.clear();
    let (mut value, mut sx, mut sd) = (0i128, 0u128, 0u128);
    for &(x, d, w) in items {
        let k = key(u128::from(x), u128::from(d), p, q, end).ok_or_else(overflow)?;
        if w == 0 {
            // Weightless: taken when it helps.
            if k < 0 {
                value = value.checked_add(k).ok_or_else(overflow)?;
                sx += u128::from(x);
                sd += u128::from(d);
            }
        } else {
            order.push((k, x, d, w));
        }
    }
    // Helpful (negative) items first, up to `hi`; then the others only while under `lo`. Within
    // each, by key per unit of weight ascending: a weighted selection, not a sort.
    let split = partition_in_place(order, |i| i.0 < 0);
    let (helpful, others) = order.split_at_mut(split);
    let helpful_weight: u128 = helpful.iter().map(|i| u128::from(i.3)).sum();
    let (taken, amount) = if helpful_weight >= hi {
        (helpful, hi)
    } else {
        for &(k, x, d, _) in helpful.iter() {
            value = value.checked_add(k).ok_or_else(overflow)?;
            sx += u128::from(x);
            sd += u128::from(d);
        }
        (others, lo.saturating_sub(helpful_weight))
    };
    let (whole, part) = weighted_prefix(taken, amount)?;
    value = value.checked_add(whole.0).ok_or_else(overflow)?;
    sx += whole.1;
    sd += whole.2;
    let Some((k, x, d, w, room)) = part else {
        return Ok((value, sx, sd, 1));
    };
    // Part of an item: everything over the denominator w.
    let w128 = u128::from(w);
    let room_i = i128::try_from(room).map_err(|_| overflow())?;
    let value_n = value
        .checked_mul(i128::from(w))
        .and_then(|v| v.checked_add(k.checked_mul(room_i)?))
        .ok_or_else(overflow)?;
    let x_part = sx
        .checked_mul(w128)
        .and_then(|v| v.checked_add(room.checked_mul(u128::from(x))?))
        .ok_or_else(overflow)?;
    let d_part = sd
        .checked_mul(w128)
        .and_then(|v| v.checked_add(room.checked_mul(u128::from(d))?))
        .ok_or_else(overflow)?;
    Ok((value_n, x_part, d_part, w128))
}

/// Moves the items for which `pred` holds to the front; returns how many they are.
fn partition_in_place<T>(items: &mut [T], pred: impl Fn(&T) -> bool) -> usize {
    let mut front = 0;
    for i in 0..items.len() {
        if pred(&items[i]) {
            items.swap(front, i);
            front += 1;
        }
    }
    front
}

/// The items of least key per unit of weight whose weights add up to `amount` (all of them when
/// they hold less): the sums `(key, x, d)` of those taken whole, and the one taken in part with
/// the weight taken of it. A weighted quickselect on `k / w` (exact cross products, a
/// pseudo-random pivot), `O(n)` expected; items of equal ratio are interchangeable.
#[allow(clippy::type_complexity)]
fn weighted_prefix(
    mut items: &mut [(i128, u64, u64, u64)],
    mut amount: u128,
) -> Result<((i128, u128, u128), Option<(i128, u64, u64, u64, u128)>)> {
    let mut whole = (0i128, 0u128, 0u128);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let sums = |xs: &[(i128, u64, u64, u64)]| -> Option<(i128, u128, u128, u128)> {
        xs.iter().try_fold((0i128, 0u128, 0u128, 0u128), |a, i| {
            Some((
                a.0.checked_add(i.0)?,
                a.1 + u128::from(i.1),
                a.2 + u128::from(i.2),
                a.3 + u128::from(i.3),
            ))
        })
    };
    let add = |whole: (i128, u128, u128), s: (i128, u128, u128, u128)| {
        Some((whole.0.checked_add(s.0)?, whole.1 + s.1, whole.2 + s.2))
    };
    loop {
        if amount == 0 || items.is_empty() {
            return Ok((whole, None));
        }
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pivot = items[(seed >> 33) as usize % items.len()];
        let mut bad = false;
        let mut rank = |x: &(i128, u64, u64, u64)| -> Ordering {
            if let (Some(l), Some(r)) = (
                x.0.checked_mul(i128::from(pivot.3)),
                pivot.0.checked_mul(i128::from(x.3)),
            ) {
                l.cmp(&r)
            } else {
                bad = true;
                Ordering::Equal
            }
        };
        // Three-way partition: [..lt] before the pivot, [lt..gt] tied with it, [gt..] after.
        let (mut lt, mut i, mut gt) = (0, 0, items.len());
        while i < gt {
            match rank(&items[i]) {
                Ordering::Less => {
                    items.swap(lt, i);
                    lt += 1;
                    i += 1;
                }
                Ordering::Greater => {
                    gt -= 1;
                    items.swap(i, gt);
                }
                Ordering::Equal => i += 1,
            }
        }
        if bad {
            return Err(overflow());
        }
        let before = sums(&items[..lt]).ok_or_else(overflow)?;
        if before.3 >= amount {
            items = &mut items[..lt];
            continue;
        }
        let tied = sums(&items[lt..gt]).ok_or_else(overflow)?;
        if before.3 + tied.3 >= amount {
            whole = add(whole, before).ok_or_else(overflow)?;
            amount -= before.3;
            // The tied items in any order: whole ones, then part of one.
            for &(k, x, d, w) in &items[lt..gt] {
                let w128 = u128::from(w);
                if amount >= w128 {
                    whole =
                        add(whole, (k, u128::from(x), u128::from(d), w128)).ok_or_else(overflow)?;
                    amount -= w128;
                    if amount == 0 {
                        return Ok((whole, None));
                    }
                } else {
                    return Ok((whole, Some((k, x, d, w, amount))));
                }
            }
            return Ok((whole, None));
        }
        whole = add(add(whole, before).ok_or_else(overflow)?, tied).ok_or_else(overflow)?;
        amount -= before.3 + tied.3;
        items = &mut items[gt..];
    }
}

/// [`Prepared::value_at`] for the fractional family, as a fraction `(numerator, denominator)` of
/// the same scale.
pub(crate) fn value_at_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    lambda: Frac,
    end: Extreme,
) -> Result<(i128, u128)> {
    let mut order = Vec::with_capacity(items.len());
    let (value, _, _, den) = best_fractional(items, lo, hi, lambda, end, &mut order)?;
    Ok((value, den))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subset of `items` with size in [a, b]: the least and greatest ratio, by brute force.
    pub(crate) fn brute(items: &[(u64, u64)], f: BySize) -> (Option<Frac>, Option<Frac>) {
        let n = items.len();
        let (mut least, mut most): (Option<Frac>, Option<Frac>) = (None, None);
        let mut unbounded = false;
        for mask in 0u32..(1 << n) {
            let size = mask.count_ones() as usize;
            if size < f.a || size > f.b {
                continue;
            }
            let (mut x, mut d) = f.extra;
            for (i, it) in items.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    x += u128::from(it.0);
                    d += u128::from(it.1);
                }
            }
            if d == 0 {
                unbounded |= x > 0;
                continue;
            }
            let r = Frac { num: x, den: d };
            if least.is_none_or(|l| r.cmp_exact(l).unwrap() == Ordering::Less) {
                least = Some(r);
            }
            if most.is_none_or(|m| r.cmp_exact(m).unwrap() == Ordering::Greater) {
                most = Some(r);
            }
        }
        (least, if unbounded { None } else { most })
    }

    fn same(a: Option<Frac>, b: Option<Frac>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => a.cmp_exact(b).unwrap() == Ordering::Equal,
            (None, None) => true,
            _ => false,
        }
    }

    #[test]
    fn hand_computed_ranges() {
        // Three tables: 1/10, 5/10, 9/10. Two of them: least (1+5)/20, most (5+9)/20.
        let items = [(1, 10), (9, 10), (5, 10)];
        let two = BySize {
            a: 2,
            b: 2,
            extra: (0, 0),
        };
        let least = extreme_sized_by(&items, two, Extreme::Least, Method::Auto)
            .unwrap()
            .unwrap();
        let most = extreme_sized_by(&items, two, Extreme::Most, Method::Auto)
            .unwrap()
            .unwrap();
        assert_eq!(
            least.cmp_exact(Frac { num: 6, den: 20 }).unwrap(),
            Ordering::Equal
        );
        assert_eq!(
            most.cmp_exact(Frac { num: 14, den: 20 }).unwrap(),
            Ordering::Equal
        );
        // A ratio of sums, not of ratios: 1/1 and 10/100 give 11/101 together, so the least pair
        // is not the pair of least ratios when sizes differ.
        let items = [(1, 1), (10, 100), (30, 100)];
        let least = extreme_sized_by(&items, two, Extreme::Least, Method::Auto)
            .unwrap()
            .unwrap();
        assert_eq!(
            least.cmp_exact(Frac { num: 11, den: 101 }).unwrap(),
            Ordering::Equal
        );
        // An extra part of 50 base without votes (uncollected tables), one or two sheets.
        let f = BySize {
            a: 1,
            b: 2,
            extra: (0, 50),
        };
        let least = extreme_sized_by(&items, f, Extreme::Least, Method::Auto)
            .unwrap()
            .unwrap();
        assert_eq!(
            least.cmp_exact(Frac { num: 1, den: 51 }).unwrap(),
            Ordering::Equal
        );
        // No subset with a base: no share.
        let zeros = [(0, 0), (0, 0)];
        let any = BySize {
            a: 0,
            b: 2,
            extra: (0, 0),
        };
        assert_eq!(
            extreme_sized_by(&zeros, any, Extreme::Least, Method::Auto).unwrap(),
            None
        );
        // Votes over a zero base: no greatest.
        let odd = [(3, 0), (1, 2)];
        assert_eq!(
            extreme_sized_by(&odd, any, Extreme::Most, Method::Auto).unwrap(),
            None
        );
        assert!(same(
            extreme_sized_by(&odd, any, Extreme::Least, Method::Auto).unwrap(),
            Some(Frac { num: 1, den: 2 })
        ));
    }

    #[test]
    fn fractional_ranges_contain_the_whole_ones() {
        // Weights 10, 10, 10; at least 15 and at most 20: a table and a half, or two.
        let items = [(1, 10, 10), (9, 10, 10), (5, 10, 10)];
        let least = extreme_fractional(&items, 15, 20, Extreme::Least)
            .unwrap()
            .unwrap();
        // The relaxation: all of 1/10 and half of 5/10: 3.5 / 15.
        assert_eq!(
            least.cmp_exact(Frac { num: 7, den: 30 }).unwrap(),
            Ordering::Equal
        );
        let most = extreme_fractional(&items, 15, 20, Extreme::Most)
            .unwrap()
            .unwrap();
        // All of 9/10 and half of 5/10 (at least 15 electors): 11.5 / 15.
        assert_eq!(
            most.cmp_exact(Frac { num: 23, den: 30 }).unwrap(),
            Ordering::Equal
        );
        assert_eq!(
            extreme_fractional(&items, 40, 50, Extreme::Least).unwrap(),
            None
        );
    }

    use proptest::prelude::*;

    fn items() -> impl Strategy<Value = Vec<(u64, u64)>> {
        prop::collection::vec((0u64..40, 0u64..40), 0..9).prop_map(|v| {
            // Most shares are of a base that holds the votes; keep some that do not.
            v.into_iter()
                .enumerate()
                .map(|(i, (x, d))| if i % 3 == 2 { (x, d) } else { (x.min(d), d) })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Both ends of the parametric search are the brute force's, for every family of sizes
        /// and every extra part, on sets small enough to enumerate.
        #[test]
        fn sized_ends_are_the_brute_force_ones(
            items in items(),
            a in 0usize..9,
            width in 0usize..9,
            cx in 0u128..30,
            cd in 0u128..60,
        ) {
            let a = a.min(items.len());
            let f = BySize { a, b: (a + width).min(items.len()).max(a), extra: (cx.min(cd), cd) };
            let (least, most) = brute(&items, f);
            for method in [Method::Select, Method::Group] {
                let got_least = extreme_sized_by(&items, f, Extreme::Least, method).unwrap();
                prop_assert!(same(got_least, least), "{method:?} least {got_least:?} brute {least:?}");
                if least.is_some() {
                    let got_most = extreme_sized_by(&items, f, Extreme::Most, method).unwrap();
                    prop_assert!(same(got_most, most), "{method:?} most {got_most:?} brute {most:?}");
                }
            }
        }

        /// With every weight 1 and a whole amount, the fractional family is the family of that
        /// size: both ends are the sized search's (the relaxation is tight there).
        #[test]
        fn fractional_ends_with_unit_weights_are_the_sized_ones(
            items in items(),
            k in 0usize..9,
        ) {
            let k = k.min(items.len());
            let weighted: Vec<(u64, u64, u64)> = items.iter().map(|&(x, d)| (x, d, 1)).collect();
            let f = BySize { a: k, b: k, extra: (0, 0) };
            for end in [Extreme::Least, Extreme::Most] {
                let sized = extreme_sized_by(&items, f, end, Method::Select).unwrap();
                let frac = extreme_fractional(&weighted, k as u128, k as u128, end).unwrap();
                prop_assert!(same(sized, frac), "{end:?} sized {sized:?} fractional {frac:?}");
            }
        }

        /// The fractional family's range contains the ratio of every whole subset whose weight
        /// lies in [lo, hi]: the relaxation can only widen.
        #[test]
        fn fractional_ranges_are_conservative(
            items in prop::collection::vec((0u64..40, 0u64..40, 0u64..40), 0..9),
            lo in 0u128..200,
            span in 0u128..200,
        ) {
            let items: Vec<(u64, u64, u64)> = items.into_iter().map(|(x, d, w)| (x.min(d), d, w)).collect();
            let hi = lo + span;
            let least = extreme_fractional(&items, lo, hi, Extreme::Least).unwrap();
            let most = extreme_fractional(&items, lo, hi, Extreme::Most).unwrap();
            for mask in 0u32..(1 << items.len()) {
                let (mut x, mut d, mut w) = (0u128, 0u128, 0u128);
                for (i, it) in items.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        x += u128::from(it.0);
                        d += u128::from(it.1);
                        w += u128::from(it.2);
                    }
                }
                if w < lo || w > hi || d == 0 {
                    continue;
                }
                let r = Frac { num: x, den: d };
                let l = least.expect("a whole subset exists, so the relaxation has a least");
                prop_assert!(l.cmp_exact(r).unwrap() != Ordering::Greater, "{l:?} > {r:?}");
                if let Some(m) = most {
                    prop_assert!(m.cmp_exact(r).unwrap() != Ordering::Less, "{m:?} < {r:?}");
                }
            }
        }
    }
}

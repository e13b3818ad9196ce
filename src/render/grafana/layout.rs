//! Grid layout: panels flow left to right across 24 columns, wrap when a
//! line is full, and each row starts below everything above it.

use serde::Serialize;

/// The width of Grafana's grid.
pub const GRID_COLUMNS: u8 = 24;

/// A panel's place on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GridPos {
    /// Height in grid rows.
    pub h: u32,
    /// Width in columns.
    pub w: u32,
    /// Column of the left edge.
    pub x: u32,
    /// Row of the top edge.
    pub y: u32,
}

impl GridPos {
    /// Whether two places share any cell.
    pub fn overlaps(&self, other: &Self) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// Places panels one after another.
#[derive(Debug, Default)]
pub struct Layout {
    x: u32,
    y: u32,
    line_height: u32,
}

impl Layout {
    /// A full-width row header below everything placed so far.
    pub fn row_header(&mut self) -> GridPos {
        self.finish_line();
        let pos = GridPos {
            h: 1,
            w: u32::from(GRID_COLUMNS),
            x: 0,
            y: self.y,
        };
        self.y += 1;
        pos
    }

    /// The next place for a panel of `width` (clamped to 1..=24) by `height`.
    pub fn place(&mut self, width: u8, height: u8) -> GridPos {
        let w = u32::from(width.clamp(1, GRID_COLUMNS));
        let h = u32::from(height.max(1));
        if self.x + w > u32::from(GRID_COLUMNS) {
            self.finish_line();
        }
        let pos = GridPos {
            h,
            w,
            x: self.x,
            y: self.y,
        };
        self.x += w;
        self.line_height = self.line_height.max(h);
        pos
    }

    fn finish_line(&mut self) {
        self.y += self.line_height;
        self.x = 0;
        self.line_height = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_wrap_and_rows_stack() {
        let mut layout = Layout::default();
        let header = layout.row_header();
        assert_eq!(
            header,
            GridPos {
                h: 1,
                w: 24,
                x: 0,
                y: 0
            }
        );
        let a = layout.place(12, 8);
        let b = layout.place(6, 4);
        let c = layout.place(12, 8);
        assert_eq!((a.x, a.y, b.x, b.y), (0, 1, 12, 1));
        assert_eq!((c.x, c.y), (0, 9));
        let next = layout.row_header();
        assert_eq!(next.y, 17);
        let wide = layout.place(30, 0);
        assert_eq!((wide.w, wide.h, wide.y), (24, 1, 18));
        for (i, p) in [header, a, b, c, next, wide].iter().enumerate() {
            for q in &[header, a, b, c, next, wide][i + 1..] {
                assert!(!p.overlaps(q), "{p:?} overlaps {q:?}");
            }
        }
    }
}

// Keyboard movement of the active cell, as in a spreadsheet.

export interface CellPos {
  row: number
  col: number
}

export interface NavBounds {
  rows: number
  cols: number
  /** Rows that fit on one screen, for PageUp/PageDown. */
  pageRows: number
}

/** The new active cell for a key, or null when the key is not a movement key. */
export function moveCell(pos: CellPos, key: string, bounds: NavBounds, ctrl = false): CellPos | null {
  if (bounds.rows <= 0 || bounds.cols <= 0) return null
  const clampRow = (r: number) => Math.max(0, Math.min(bounds.rows - 1, r))
  const clampCol = (c: number) => Math.max(0, Math.min(bounds.cols - 1, c))
  const page = Math.max(1, bounds.pageRows - 1)
  switch (key) {
    case 'ArrowUp':
      return { row: ctrl ? 0 : clampRow(pos.row - 1), col: clampCol(pos.col) }
    case 'ArrowDown':
      return { row: ctrl ? bounds.rows - 1 : clampRow(pos.row + 1), col: clampCol(pos.col) }
    case 'ArrowLeft':
      return { row: clampRow(pos.row), col: ctrl ? 0 : clampCol(pos.col - 1) }
    case 'ArrowRight':
      return { row: clampRow(pos.row), col: ctrl ? bounds.cols - 1 : clampCol(pos.col + 1) }
    case 'PageUp':
      return { row: clampRow(pos.row - page), col: clampCol(pos.col) }
    case 'PageDown':
      return { row: clampRow(pos.row + page), col: clampCol(pos.col) }
    case 'Home':
      return ctrl ? { row: 0, col: 0 } : { row: clampRow(pos.row), col: 0 }
    case 'End':
      return ctrl ? { row: bounds.rows - 1, col: bounds.cols - 1 } : { row: clampRow(pos.row), col: bounds.cols - 1 }
    default:
      return null
  }
}

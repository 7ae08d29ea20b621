package dev.bowline.kernel.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A kubectl-style text table: upper-case headers, columns padded to their widest cell and three
 * spaces apart, the last column unpadded. Not thread-safe.
 */
final class TextTable {

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  TextTable(String... headers) {
    this.columns = headers.length;
    rows.add(headers);
  }

  /** Adds a row; a null or empty cell prints as {@code -}. */
  TextTable row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
    }
    String[] copy = new String[columns];
    for (int i = 0; i < columns; i++) {
      copy[i] = cells[i] == null || cells[i].isEmpty() ? "-" : cells[i];
    }
    rows.add(copy);
    return this;
  }

  /** Whether no row was added beyond the headers. */
  boolean isEmpty() {
    return rows.size() == 1;
  }

  void print(PrintWriter out) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns - 1; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns - 1; i++) {
        line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 3));
      }
      out.println(line.append(row[columns - 1]).toString().stripTrailing());
    }
    out.flush();
  }
}

package dev.bowline.proxy.route;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code RegexMatchAndSubstitute}: replaces every match of an RE2 pattern with a
 * substitution in RE2's syntax ({@code \0} to {@code \9} for capture groups, {@code \\} for a
 * backslash), following {@code RE2::GlobalReplace}: an empty match right after the previous match
 * is skipped. The substitution is parsed once, at compile time.
 */
final class RegexSubstitution {

  private final Pattern pattern;
  /** Literal text before each group reference, then the trailing text (one more than groups). */
  private final String[] texts;
  private final int[] groups;
  private final String source;

  private RegexSubstitution(Pattern pattern, String[] texts, int[] groups, String source) {
    this.pattern = pattern;
    this.texts = texts;
    this.groups = groups;
    this.source = source;
  }

  /**
   * Parses {@code substitution} for {@code pattern}.
   *
   * @throws IllegalArgumentException with a message for the operator if the substitution refers to
   *     a group the pattern does not have or uses an unknown escape
   */
  static RegexSubstitution compile(Pattern pattern, String substitution) {
    List<String> texts = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < substitution.length(); i++) {
      char c = substitution.charAt(i);
      if (c != '\\') {
        text.append(c);
        continue;
      }
      if (i + 1 == substitution.length()) {
        throw new IllegalArgumentException("ends with a lone '\\'");
      }
      char next = substitution.charAt(++i);
      if (next == '\\') {
        text.append('\\');
      } else if (next >= '0' && next <= '9') {
        int group = next - '0';
        if (group > pattern.groupCount()) {
          throw new IllegalArgumentException(
              "\\" + group + " refers to a capture group the pattern does not have (it has "
                  + pattern.groupCount() + ")");
        }
        texts.add(text.toString());
        text.setLength(0);
        groups.add(group);
      } else {
        throw new IllegalArgumentException(
            "invalid escape '\\" + next + "': use \\0 to \\9 for groups and \\\\ for a backslash");
      }
    }
    texts.add(text.toString());
    return new RegexSubstitution(
        pattern,
        texts.toArray(new String[0]),
        groups.stream().mapToInt(Integer::intValue).toArray(),
        substitution);
  }

  /** {@code input} with every match replaced; {@code input} itself if nothing matched. */
  String replaceAll(String input) {
    Matcher matcher = pattern.matcher(input);
    int length = input.length();
    StringBuilder out = null;
    int position = 0;
    int lastEnd = -1;
    while (position <= length && matcher.find(position)) {
      int start = matcher.start();
      int end = matcher.end();
      if (out == null) {
        out = new StringBuilder(length + 16);
      }
      out.append(input, position, start);
      if (start == end && start == lastEnd) {
        // An empty match where the previous one ended: copy one character and move on.
        if (position < length) {
          int step = Character.isHighSurrogate(input.charAt(position)) && position + 1 < length ? 2 : 1;
          out.append(input, position, position + step);
          position += step;
        } else {
          position++;
        }
        continue;
      }
      for (int i = 0; i < groups.length; i++) {
        out.append(texts[i]);
        String group = matcher.group(groups[i]);
        if (group != null) {
          out.append(group);
        }
      }
      out.append(texts[groups.length]);
      position = end;
      lastEnd = end;
    }
    if (out == null) {
      return input;
    }
    if (position < length) {
      out.append(input, position, length);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return pattern.pattern() + " -> " + source;
  }
}

package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles the {@code *_headers_to_add} and {@code *_headers_to_remove} fields of one level into a
 * {@link HeaderLevel}, with Envoy's rules: names are lower-cased; pseudo-headers and {@code host}
 * may be neither added nor removed; {@code append} (deprecated) and a non-default {@code
 * append_action} are exclusive.
 */
final class HeaderMutationCompiler {

  private static final FieldAllowlist HEADER_VALUE_OPTION =
      FieldAllowlist.of(
          HeaderValueOption.getDescriptor(), "header", "append", "append_action", "keep_empty_value");
  private static final FieldAllowlist HEADER_VALUE =
      FieldAllowlist.of(HeaderValue.getDescriptor(), "key", "value");

  private final Problems problems;

  HeaderMutationCompiler(Problems problems) {
    this.problems = problems;
  }

  HeaderLevel level(
      List<HeaderValueOption> additions,
      List<String> removals,
      String additionsPath,
      String removalsPath) {
    if (additions.isEmpty() && removals.isEmpty()) {
      return HeaderLevel.EMPTY;
    }
    List<HeaderAdd> adds = new ArrayList<>();
    for (int i = 0; i < additions.size(); i++) {
      HeaderAdd add = addition(additions.get(i), Problems.index(additionsPath, i));
      if (add != null) {
        adds.add(add);
      }
    }
    List<String> removes = new ArrayList<>();
    for (int i = 0; i < removals.size(); i++) {
      String name = headerName(removals.get(i), Problems.index(removalsPath, i), "removed");
      if (name != null) {
        removes.add(name);
      }
    }
    return new HeaderLevel(removes.toArray(new String[0]), adds.toArray(new HeaderAdd[0]));
  }

  private HeaderAdd addition(HeaderValueOption option, String path) {
    HEADER_VALUE_OPTION.check(option, path, problems);
    String headerPath = Problems.join(path, "header");
    if (!option.hasHeader()) {
      problems.add(headerPath, "required");
      return null;
    }
    HEADER_VALUE.check(option.getHeader(), headerPath, problems);
    String name =
        headerName(option.getHeader().getKey(), Problems.join(headerPath, "key"), "modified");
    String valuePath = Problems.join(headerPath, "value");
    String value = option.getHeader().getValue();
    HeaderValueFormat format = null;
    if (!validValue(value)) {
      problems.add(valuePath, "must not contain CR, LF or NUL");
    } else {
      try {
        format = HeaderValueFormat.parse(value);
      } catch (IllegalArgumentException e) {
        problems.add(valuePath, e.getMessage());
      }
    }
    HeaderAdd.AppendAction action = appendAction(option, path);
    if (name == null || format == null || action == null) {
      return null;
    }
    return new HeaderAdd(name, format, action, option.getKeepEmptyValue());
  }

  @SuppressWarnings("deprecation") // Envoy still accepts these deprecated fields; so do we
  private HeaderAdd.AppendAction appendAction(HeaderValueOption option, String path) {
    if (option.hasAppend()) {
      if (option.getAppendAction() != HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD) {
        problems.add(
            Problems.join(path, "append_action"),
            "must not be set together with the deprecated append");
        return null;
      }
      return option.getAppend().getValue()
          ? HeaderAdd.AppendAction.APPEND_IF_EXISTS_OR_ADD
          : HeaderAdd.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
    }
    switch (option.getAppendAction()) {
      case APPEND_IF_EXISTS_OR_ADD:
        return HeaderAdd.AppendAction.APPEND_IF_EXISTS_OR_ADD;
      case ADD_IF_ABSENT:
        return HeaderAdd.AppendAction.ADD_IF_ABSENT;
      case OVERWRITE_IF_EXISTS_OR_ADD:
        return HeaderAdd.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
      case OVERWRITE_IF_EXISTS:
        return HeaderAdd.AppendAction.OVERWRITE_IF_EXISTS;
      default:
        problems.add(Problems.join(path, "append_action"), "unknown value");
        return null;
    }
  }

  /** The lower-case name, or {@code null} if it is not a name that may be {@code verb}. */
  String headerName(String name, String path, String verb) {
    if (name.isEmpty()) {
      problems.add(path, "must not be empty");
      return null;
    }
    String lower = Ascii.toLowerCase(name);
    if (lower.charAt(0) == ':' || lower.equals("host")) {
      problems.add(path, ":-prefixed or host headers may not be " + verb);
      return null;
    }
    for (int i = 0; i < lower.length(); i++) {
      if (!isTokenChar(lower.charAt(i))) {
        problems.add(path, "invalid header name \"" + name + "\"");
        return null;
      }
    }
    return lower;
  }

  private static boolean validValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 {@code tchar}. */
  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}

/* Error codes and message formatting. */
#include "lyra_internal.h"

#include <stdio.h>

const char *lyra_strerror(int code) {
  switch (code) {
  case LYRA_OK:
    return "success";
  case LYRA_EINVAL:
    return "invalid argument";
  case LYRA_ENOMEM:
    return "out of memory";
  case LYRA_EIO:
    return "input/output error";
  case LYRA_EPARSE:
    return "malformed model file";
  case LYRA_ENOTFOUND:
    return "unknown name";
  case LYRA_EUNIT:
    return "wrong unit";
  case LYRA_ESTATE:
    return "call not allowed now";
  case LYRA_ENOTSUP:
    return "not supported";
  case LYRA_ENUMERIC:
    return "state became NaN or infinite";
  default:
    return "unknown error";
  }
}

const char *lyra_version(void) {
  return LYRA_VERSION_STRING;
}

int lyra__errf(char *buf, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, LYRA__ERR_MAX, fmt, ap);
  va_end(ap);
  return code;
}

int lyra__errf_n(char *err, size_t errlen, int code, const char *fmt, ...) {
  if (!err || !errlen)
    return code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return code;
}

// The prefetch is a static inline function in the header; a C target needs a source file.
#include "CVigilPrefetch.h"

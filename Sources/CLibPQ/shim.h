#ifndef INDAGA_CLIBPQ_SHIM_H
#define INDAGA_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What object.c and property.c share and nobody else uses.
 */
#ifndef KEMU_QOM_OBJECT_INTERNAL_H
#define KEMU_QOM_OBJECT_INTERNAL_H

#include "qom/object.h"

/* Release every instance property (children, links) before finalize. */
void object_property_del_all(Object *obj);

#endif

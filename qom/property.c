/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM properties: adding, finding, setting from text and printing them,
 * the typed helpers over those, child and link properties, and paths in
 * the object tree.
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "qom/object.h"
#include "qom/object-internal.h"

static ObjectProperty *prop_new(const char *name, const char *type,
                                ObjectPropertyGet *get, ObjectPropertySet *set,
                                ObjectPropertyRelease *release, void *opaque)
{
    ObjectProperty *prop = g_new0(ObjectProperty, 1);

    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    if (!strcmp(type, "bool")) {
        prop->json = PROP_JSON_BOOL;
    } else if (g_str_has_prefix(type, "int") ||
               g_str_has_prefix(type, "uint") || !strcmp(type, "size")) {
        prop->json = PROP_JSON_NUMBER;
    } else {
        prop->json = PROP_JSON_STRING;
    }
    return prop;
}

static void prop_free(ObjectProperty *prop)
{
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop->defval);
    g_free(prop);
}

ObjectProperty *object_class_property_find(ObjectClass *klass, const char *name)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

        if (prop) {
            return prop;
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *prop = object_class_property_find(obj->class, name);

    return prop ? prop : g_hash_table_lookup(obj->properties, name);
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop;

    if (object_property_find(obj, name)) {
        fprintf(stderr, "qom: property '%s.%s' added twice\n",
                object_get_typename(obj), name);
        abort();
    }
    prop = prop_new(name, type, get, set, release, opaque);
    g_hash_table_insert(obj->properties, prop->name, prop);
    return prop;
}

ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set, void *opaque)
{
    ObjectProperty *prop;

    if (object_class_property_find(klass, name)) {
        fprintf(stderr, "qom: class property '%s.%s' added twice\n",
                object_class_get_name(klass), name);
        abort();
    }
    prop = prop_new(name, type, get, set, NULL, opaque);
    g_hash_table_insert(klass->properties, prop->name, prop);
    return prop;
}

void object_property_set_description(ObjectProperty *prop, const char *desc)
{
    g_free(prop->description);
    prop->description = g_strdup(desc);
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    g_hash_table_remove(obj->properties, name);
    if (prop->release) {
        prop->release(obj, prop);
    }
    prop_free(prop);
}

void object_property_del_all(Object *obj)
{
    /* Releasing a child can touch obj's table: take one at a time. */
    for (;;) {
        GHashTableIter it;
        gpointer key, value;

        g_hash_table_iter_init(&it, obj->properties);
        if (!g_hash_table_iter_next(&it, &key, &value)) {
            break;
        }
        object_property_del(obj, key);
    }
}

static ObjectProperty *find_or_error(Object *obj, const char *name,
                                     Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "'%s' has no property '%s'", object_get_typename(obj),
                   name);
    }
    return prop;
}

bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "property '%s.%s' is read-only",
                   object_get_typename(obj), name);
        return false;
    }
    return prop->set(obj, prop, value, errp);
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = find_or_error(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "property '%s.%s' is write-only",
                   object_get_typename(obj), name);
        return NULL;
    }
    return prop->get(obj, prop, errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    g_autofree char *s = object_property_print(obj, name, errp);
    bool v = false;

    if (s && !parse_bool_str(s, &v)) {
        error_setg(errp, "property '%s' is not a boolean", name);
    }
    return v;
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64, value);
    return object_property_parse(obj, name, buf, errp);
}

uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp)
{
    g_autofree char *s = object_property_print(obj, name, errp);

    return s ? g_ascii_strtoull(s, NULL, 0) : 0;
}

bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp)
{
    return object_property_parse(obj, name, value, errp);
}

static gint prop_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const ObjectProperty *)a)->name,
                  ((const ObjectProperty *)b)->name);
}

static GList *sorted_props(GHashTable *table)
{
    return g_list_sort(g_hash_table_get_values(table), prop_name_cmp);
}

int object_class_property_foreach(ObjectClass *klass,
                                  int (*fn)(ObjectProperty *prop, void *opaque),
                                  void *opaque)
{
    GList *classes = NULL;
    int ret = 0;

    /* Root class first, so inherited properties come before new ones. */
    for (; klass; klass = object_class_get_parent(klass)) {
        classes = g_list_prepend(classes, klass);
    }
    for (GList *c = classes; c && !ret; c = c->next) {
        GList *props = sorted_props(((ObjectClass *)c->data)->properties);

        for (GList *e = props; e && !ret; e = e->next) {
            ret = fn(e->data, opaque);
        }
        g_list_free(props);
    }
    g_list_free(classes);
    return ret;
}

typedef struct {
    Object *obj;
    int (*fn)(Object *obj, ObjectProperty *prop, void *opaque);
    void *opaque;
} ForeachState;

static int foreach_class_prop(ObjectProperty *prop, void *opaque)
{
    ForeachState *st = opaque;

    return st->fn(st->obj, prop, st->opaque);
}

int object_property_foreach(Object *obj,
                            int (*fn)(Object *obj, ObjectProperty *prop,
                                      void *opaque),
                            void *opaque)
{
    ForeachState st = {obj, fn, opaque};
    int ret =
        object_class_property_foreach(obj->class, foreach_class_prop, &st);
    GList *props;

    if (ret) {
        return ret;
    }
    props = sorted_props(obj->properties);
    for (GList *e = props; e && !ret; e = e->next) {
        ret = fn(obj, e->data, opaque);
    }
    g_list_free(props);
    return ret;
}

/* ---- Typed helpers ---- */

typedef struct {
    bool (*get)(Object *, Error **);
    void (*set)(Object *, bool, Error **);
} BoolAccessors;

static char *bool_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    BoolAccessors *acc = prop->opaque;

    return g_strdup(acc->get(obj, errp) ? "true" : "false");
}

static bool bool_set(Object *obj, ObjectProperty *prop, const char *value,
                     Error **errp)
{
    BoolAccessors *acc = prop->opaque;
    Error *local_err = NULL;
    bool v;

    if (!parse_bool_str(value, &v)) {
        error_setg(errp,
                   "property '%s.%s' doesn't take value '%s' (expected on, "
                   "off, true, false, yes or no)",
                   object_get_typename(obj), prop->name, value);
        return false;
    }
    acc->set(obj, v, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    return true;
}

static void free_opaque(Object *obj, ObjectProperty *prop)
{
    g_free(prop->opaque);
}

void object_property_add_bool(Object *obj, const char *name,
                              bool (*get)(Object *, Error **),
                              void (*set)(Object *, bool, Error **))
{
    BoolAccessors *acc = g_new0(BoolAccessors, 1);

    acc->get = get;
    acc->set = set;
    object_property_add(obj, name, "bool", get ? bool_get : NULL,
                        set ? bool_set : NULL, free_opaque, acc);
}

typedef struct {
    char *(*get)(Object *, Error **);
    void (*set)(Object *, const char *, Error **);
} StrAccessors;

static char *str_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    StrAccessors *acc = prop->opaque;

    return acc->get(obj, errp);
}

static bool str_set(Object *obj, ObjectProperty *prop, const char *value,
                    Error **errp)
{
    StrAccessors *acc = prop->opaque;
    Error *local_err = NULL;

    acc->set(obj, value, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    return true;
}

void object_property_add_str(Object *obj, const char *name,
                             char *(*get)(Object *, Error **),
                             void (*set)(Object *, const char *, Error **))
{
    StrAccessors *acc = g_new0(StrAccessors, 1);

    acc->get = get;
    acc->set = set;
    object_property_add(obj, name, "str", get ? str_get : NULL,
                        set ? str_set : NULL, free_opaque, acc);
}

static char *u32_ptr_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu32, *(const uint32_t *)prop->opaque);
}

void object_property_add_uint32_ptr(Object *obj, const char *name,
                                    const uint32_t *v)
{
    object_property_add(obj, name, "uint32", u32_ptr_get, NULL, NULL,
                        (void *)v);
}

/* ---- Children, links and paths ---- */

static char *child_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return object_get_canonical_path(prop->opaque);
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    child->parent = NULL;
    object_unref(child);
}

void object_property_add_child(Object *obj, const char *name, Object *child)
{
    g_autofree char *type =
        g_strdup_printf("child<%s>", object_get_typename(child));

    assert(!child->parent);
    object_property_add(obj, name, type, child_get, NULL, child_release, child);
    object_ref(child);
    child->parent = obj;
}

void object_unparent(Object *obj)
{
    if (obj->parent) {
        object_property_del(obj->parent,
                            object_get_canonical_path_component(obj));
    }
}

typedef struct {
    Object **targetp;
    char *typename;
    ObjectPropertyLinkFlags flags;
} LinkProp;

static char *link_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    LinkProp *lp = prop->opaque;

    return *lp->targetp ? object_get_canonical_path(*lp->targetp)
                        : g_strdup("");
}

static bool link_set(Object *obj, ObjectProperty *prop, const char *value,
                     Error **errp)
{
    LinkProp *lp = prop->opaque;
    Object *target = NULL;

    if (*value) {
        target = object_resolve_path(object_get_root_of(obj), value);
        if (!target) {
            error_setg(errp, "property '%s.%s': no object at path '%s'",
                       object_get_typename(obj), prop->name, value);
            return false;
        }
        if (!object_dynamic_cast(target, lp->typename)) {
            error_setg(errp,
                       "property '%s.%s': object at '%s' is a '%s', "
                       "expected a '%s'",
                       object_get_typename(obj), prop->name, value,
                       object_get_typename(target), lp->typename);
            return false;
        }
    }
    if (lp->flags & OBJ_PROP_LINK_STRONG) {
        object_ref(target);
        object_unref(*lp->targetp);
    }
    *lp->targetp = target;
    return true;
}

static void link_release(Object *obj, ObjectProperty *prop)
{
    LinkProp *lp = prop->opaque;

    if ((lp->flags & OBJ_PROP_LINK_STRONG) && *lp->targetp) {
        object_unref(*lp->targetp);
        *lp->targetp = NULL;
    }
    g_free(lp->typename);
    g_free(lp);
}

void object_property_add_link(Object *obj, const char *name,
                              const char *typename, Object **targetp,
                              ObjectPropertyLinkFlags flags)
{
    LinkProp *lp = g_new0(LinkProp, 1);
    g_autofree char *type = g_strdup_printf("link<%s>", typename);

    lp->targetp = targetp;
    lp->typename = g_strdup(typename);
    lp->flags = flags;
    object_property_add(obj, name, type, link_get, link_set, link_release, lp);
}

Object *object_get_root_of(Object *obj)
{
    while (obj->parent) {
        obj = obj->parent;
    }
    return obj;
}

static ObjectProperty *child_prop_of(Object *obj)
{
    GHashTableIter it;
    gpointer key, value;

    if (!obj->parent) {
        return NULL;
    }
    g_hash_table_iter_init(&it, obj->parent->properties);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        ObjectProperty *prop = value;

        if (prop->get == child_get && prop->opaque == obj) {
            return prop;
        }
    }
    return NULL;
}

const char *object_get_canonical_path_component(Object *obj)
{
    ObjectProperty *prop = child_prop_of(obj);

    return prop ? prop->name : NULL;
}

char *object_get_canonical_path(Object *obj)
{
    GString *path = g_string_new("");

    if (!obj->parent) {
        g_string_free(path, true);
        return g_strdup("/");
    }
    for (; obj->parent; obj = obj->parent) {
        g_string_prepend(path, object_get_canonical_path_component(obj));
        g_string_prepend_c(path, '/');
    }
    return g_string_free(path, false);
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop = object_property_find(parent, part);

    if (!prop) {
        return NULL;
    }
    if (prop->get == child_get) {
        return prop->opaque;
    }
    if (prop->get == link_get) {
        return *((LinkProp *)prop->opaque)->targetp;
    }
    return NULL;
}

static Object *resolve_from(Object *obj, char **parts)
{
    for (char **p = parts; *p && obj; p++) {
        if (**p) {
            obj = object_resolve_path_component(obj, *p);
        }
    }
    return obj;
}

typedef struct {
    char **parts;
    Object *found;
    int matches;
} PartialSearch;

static int partial_search(Object *obj, void *opaque)
{
    PartialSearch *ps = opaque;
    Object *hit = resolve_from(obj, ps->parts);

    /* "a/b" matches where obj's child path a/b exists, counted once each */
    if (hit && hit != ps->found) {
        ps->found = hit;
        ps->matches++;
    }
    return object_child_foreach(obj, partial_search, ps);
}

Object *object_resolve_path(Object *root, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    PartialSearch ps = {parts, NULL, 0};

    if (path[0] == '/' || !path[0]) {
        return resolve_from(root, parts);
    }
    /* A partial path names the one object anywhere whose path ends so. */
    partial_search(root, &ps);
    return ps.matches == 1 ? ps.found : NULL;
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    GList *props = sorted_props(obj->properties);
    int ret = 0;

    for (GList *e = props; e && !ret; e = e->next) {
        ObjectProperty *prop = e->data;

        if (prop->get == child_get) {
            ret = fn(prop->opaque, opaque);
        }
    }
    g_list_free(props);
    return ret;
}

Object *container_get(Object *root, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    Object *obj = root;

    for (char **p = parts; *p; p++) {
        Object *child;

        if (!**p) {
            continue;
        }
        child = object_resolve_path_component(obj, *p);
        if (!child) {
            child = object_new(TYPE_CONTAINER);
            object_property_add_child(obj, *p, child);
            object_unref(child);
        }
        obj = child;
    }
    return obj;
}

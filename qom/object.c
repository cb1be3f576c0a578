/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM core: the type registry, lazy class creation, interfaces, instances
 * and reference counts, casts, and the object tree.  Property plumbing is in
 * property.c.  The registry is the only mutable global here; it is filled
 * by type_init hooks run from module_call_init(MODULE_INIT_QOM).
 */
#include "util/osdep.h"
#include "qom/object.h"
#include "qom/object-internal.h"

struct TypeImpl {
    char *name;
    char *parent_name;
    Type parent;
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    void (*class_init)(ObjectClass *klass, void *data);
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    bool abstract;
    GPtrArray *interface_names;
    ObjectClass *class;
};

/* The type registry: name -> TypeImpl.  Written only by registration. */
static GHashTable *type_table;

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

static Type type_new(const TypeInfo *info)
{
    Type ti = g_new0(struct TypeImpl, 1);

    ti->name = g_strdup(info->name);
    ti->parent_name = g_strdup(info->parent);
    ti->instance_size = info->instance_size;
    ti->class_size = info->class_size;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->class_init = info->class_init;
    ti->class_base_init = info->class_base_init;
    ti->class_data = info->class_data;
    ti->abstract = info->abstract;
    ti->interface_names = g_ptr_array_new();
    for (InterfaceInfo *ii = info->interfaces; ii && ii->type; ii++) {
        g_ptr_array_add(ti->interface_names, (gpointer)ii->type);
    }
    return ti;
}

Type type_register_static(const TypeInfo *info)
{
    Type ti;

    assert(info->name);
    if (g_hash_table_lookup(type_table_get(), info->name)) {
        fprintf(stderr, "qom: type '%s' registered twice\n", info->name);
        abort();
    }
    ti = type_new(info);
    g_hash_table_insert(type_table_get(), ti->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int nr)
{
    for (int i = 0; i < nr; i++) {
        type_register_static(&infos[i]);
    }
}

static Type type_get_by_name(const char *name)
{
    return name ? g_hash_table_lookup(type_table_get(), name) : NULL;
}

bool type_exists(const char *typename)
{
    return type_get_by_name(typename) != NULL;
}

static Type type_get_parent(Type type)
{
    if (!type->parent && type->parent_name) {
        type->parent = type_get_by_name(type->parent_name);
        if (!type->parent) {
            fprintf(stderr, "qom: type '%s' has unknown parent '%s'\n",
                    type->name, type->parent_name);
            abort();
        }
    }
    return type->parent;
}

static size_t type_class_size(Type ti)
{
    if (ti->class_size) {
        return ti->class_size;
    }
    return type_get_parent(ti) ? type_class_size(type_get_parent(ti))
                               : sizeof(ObjectClass);
}

static size_t type_instance_size(Type ti)
{
    if (ti->instance_size) {
        return ti->instance_size;
    }
    return type_get_parent(ti) ? type_instance_size(type_get_parent(ti)) : 0;
}

static bool type_is_ancestor(Type type, Type target)
{
    for (; type; type = type_get_parent(type)) {
        if (type == target) {
            return true;
        }
    }
    return false;
}

static void type_initialize(Type ti);

static void type_add_interface(ObjectClass *klass, Type iface)
{
    InterfaceClass *ic;
    Type iface_impl;
    char *impl_name;

    /* Already implemented through the parent? */
    for (GSList *e = klass->interfaces; e; e = e->next) {
        if (type_is_ancestor(OBJECT_CLASS(e->data)->type, iface)) {
            return;
        }
    }
    /*
     * Each implementing class gets its own interface class, a type named
     * "CLASS::IFACE" whose parent is the interface, so class_init of the
     * interface can fill defaults and the class can override them.
     */
    impl_name = g_strdup_printf("%s::%s", klass->type->name, iface->name);
    iface_impl = type_get_by_name(impl_name);
    if (!iface_impl) {
        TypeInfo info = {
            .name = impl_name,
            .parent = iface->name,
            .abstract = true,
        };
        iface_impl = type_register_static(&info);
    }
    g_free(impl_name);
    type_initialize(iface_impl);
    ic = (InterfaceClass *)iface_impl->class;
    ic->concrete_class = klass;
    ic->interface_type = iface;
    klass->interfaces = g_slist_append(klass->interfaces, ic);
}

static void class_base_init_chain(Type ti, ObjectClass *klass)
{
    Type parent = type_get_parent(ti);

    if (parent) {
        class_base_init_chain(parent, klass);
    }
    if (ti->class_base_init) {
        ti->class_base_init(klass, ti->class_data);
    }
}

static void type_initialize(Type ti)
{
    Type parent;

    if (ti->class) {
        return;
    }
    parent = type_get_parent(ti);
    ti->class_size = type_class_size(ti);
    ti->instance_size = type_instance_size(ti);
    ti->class = g_malloc0(ti->class_size);
    if (parent) {
        type_initialize(parent);
        assert(parent->class_size <= ti->class_size);
        memcpy(ti->class, parent->class, parent->class_size);
        ti->class->interfaces = NULL;
        for (GSList *e = parent->class->interfaces; e; e = e->next) {
            InterfaceClass *pic = e->data;
            type_add_interface(ti->class, pic->interface_type);
        }
    }
    ti->class->type = ti;
    ti->class->properties = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < ti->interface_names->len; i++) {
        Type iface = type_get_by_name(ti->interface_names->pdata[i]);

        if (!iface) {
            fprintf(stderr,
                    "qom: type '%s' implements unknown interface "
                    "'%s'\n",
                    ti->name, (char *)ti->interface_names->pdata[i]);
            abort();
        }
        type_initialize(iface);
        type_add_interface(ti->class, iface);
    }
    class_base_init_chain(ti, ti->class);
    /* class_init of each ancestor already ran on the copied-in parent. */
    if (ti->class_init) {
        ti->class_init(ti->class, ti->class_data);
    }
}

/* ---- Classes ---- */

ObjectClass *object_class_by_name(const char *typename)
{
    Type ti = type_get_by_name(typename);

    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->class;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    Type parent = type_get_parent(klass->type);

    if (!parent) {
        return NULL;
    }
    type_initialize(parent);
    return parent->class;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(Object *obj)
{
    return obj->class->type->name;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass, const char *typename)
{
    Type target;

    if (!klass) {
        return NULL;
    }
    if (!strcmp(klass->type->name, typename)) {
        return klass;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    if (type_is_ancestor(klass->type, target)) {
        return klass;
    }
    for (GSList *e = klass->interfaces; e; e = e->next) {
        ObjectClass *ic = e->data;

        if (type_is_ancestor(ic->type, target)) {
            return ic;
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func)
{
    ObjectClass *ret = object_class_dynamic_cast(klass, typename);

    if (!ret && klass) {
        fprintf(stderr, "%s:%d:%s: class '%s' is not a subclass of '%s'\n",
                file, line, func, klass->type->name, typename);
        abort();
    }
    return ret;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->class, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line, const char *func)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr,
                "%s:%d:%s: object %p of type '%s' is not an instance of "
                "'%s'\n",
                file, line, func, (void *)obj, object_get_typename(obj),
                typename);
        abort();
    }
    return obj;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract)
{
    GSList *list = NULL;
    /* Initializing a class can register types: iterate over a snapshot. */
    GList *types = g_hash_table_get_values(type_table_get());

    for (GList *e = types; e; e = e->next) {
        Type ti = e->data;

        /* Per-class interface implementations are not types of their own. */
        if (strstr(ti->name, "::")) {
            continue;
        }
        type_initialize(ti);
        if (ti->abstract && !include_abstract) {
            continue;
        }
        if (implements_type &&
            !object_class_dynamic_cast(ti->class, implements_type)) {
            continue;
        }
        list = g_slist_prepend(list, ti->class);
    }
    g_list_free(types);
    return g_slist_sort(list, class_name_cmp);
}

/* ---- Instances ---- */

static void object_init_chain(Object *obj, Type ti)
{
    Type parent = type_get_parent(ti);

    if (parent) {
        object_init_chain(obj, parent);
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

static void object_post_init_chain(Object *obj, Type ti)
{
    Type parent = type_get_parent(ti);

    if (parent) {
        object_post_init_chain(obj, parent);
    }
    if (ti->instance_post_init) {
        ti->instance_post_init(obj);
    }
}

static void object_initialize_with_type(void *data, size_t size, Type ti)
{
    Object *obj = data;

    type_initialize(ti);
    assert(!ti->abstract);
    assert(size >= ti->instance_size);
    memset(obj, 0, ti->instance_size);
    obj->class = ti->class;
    obj->ref = 1;
    obj->properties = g_hash_table_new(g_str_hash, g_str_equal);
    object_init_chain(obj, ti);
    object_post_init_chain(obj, ti);
}

Object *object_new_with_err(const char *typename, Error **errp)
{
    Type ti = type_get_by_name(typename);
    Object *obj;

    if (!ti || strstr(typename, "::")) {
        error_setg(errp, "unknown type '%s'", typename);
        return NULL;
    }
    type_initialize(ti);
    if (ti->abstract) {
        error_setg(errp, "type '%s' is abstract and cannot be created",
                   typename);
        return NULL;
    }
    obj = g_malloc(ti->instance_size);
    object_initialize_with_type(obj, ti->instance_size, ti);
    return obj;
}

Object *object_new(const char *typename)
{
    return object_new_with_err(typename, &error_abort);
}

static void object_finalize(Object *obj)
{
    /* Properties first: children and strong links are released here. */
    object_property_del_all(obj);
    for (Type ti = obj->class->type; ti; ti = type_get_parent(ti)) {
        if (ti->instance_finalize) {
            ti->instance_finalize(obj);
        }
    }
    g_hash_table_unref(obj->properties);
    obj->properties = NULL;
    g_free(obj);
}

Object *object_ref(void *p)
{
    Object *obj = p;

    if (obj) {
        assert(obj->ref > 0);
        obj->ref++;
    }
    return obj;
}

void object_unref(void *p)
{
    Object *obj = p;

    if (!obj) {
        return;
    }
    assert(obj->ref > 0);
    obj->ref--;
    if (obj->ref == 0) {
        object_finalize(obj);
    }
}

uint32_t object_get_refcount(Object *obj)
{
    return obj->ref;
}

/* ---- Base types ---- */

static const TypeInfo object_base_types[] = {
    {
        .name = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_size = sizeof(ObjectClass),
        .abstract = true,
    },
    {
        .name = TYPE_INTERFACE,
        .class_size = sizeof(InterfaceClass),
        .abstract = true,
    },
    {
        .name = TYPE_CONTAINER,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Object),
    },
};

DEFINE_TYPES(object_base_types)
